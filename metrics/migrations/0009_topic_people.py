from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

# A copy of the rollup's step as it is today (metrics.rollup.entities.topic_people_rows and
# refresh_topic_people), on purpose: a migration must keep doing what it did when it was written,
# whatever the rollup becomes.
KEPT = 10
FIELDS = (
    "week",
    "created_on",
    "author_id",
    "responder_id",
    "seconds",
    "cohort_id",
    "management_level",
    "department",
    "role",
)


def fill(apps, schema_editor):
    TopicResponse = apps.get_model("metrics", "TopicResponse")
    TopicPeople = apps.get_model("metrics", "TopicPeople")
    found = defaultdict(set)
    for week, day, author, responder, seconds, *dims in TopicResponse.objects.order_by().values_list(*FIELDS):
        second = ("responder", responder) if seconds is not None else ("unanswered", author)
        for kind, person in (("author", author), second):
            found[(week, None, kind, *dims)].add(person)
            found[(week, day, kind, *dims)].add(person)
    TopicPeople.objects.bulk_create(
        [
            TopicPeople(
                week=week,
                day=day,
                kind=kind,
                cohort_id=cohort,
                management_level=level,
                department=department,
                role=role,
                people=sorted(people, key=lambda p: (p is None, p or 0))[:KEPT],
            )
            for (week, day, kind, cohort, level, department, role), people in found.items()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0008_weekly_actor_day_masks"),
        ("people", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicPeople",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("management_level", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("department", models.CharField(blank=True, default="", max_length=120)),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("leader", "Leader"),
                            ("team", "Programme team (facilitators and L&D)"),
                            ("admin", "Site administrator"),
                        ],
                        default="leader",
                        max_length=8,
                    ),
                ),
                ("week", models.DateField()),
                ("day", models.DateField(blank=True, null=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("author", "Started a topic"),
                            ("responder", "First to answer a topic"),
                            ("unanswered", "Started a topic nobody has answered"),
                        ],
                        max_length=10,
                    ),
                ),
                ("people", models.JSONField()),
                (
                    "cohort",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.cohort",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["week", "cohort"], name="metrics_top_week_799b22_idx")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
