from django.db import migrations, models
from django.db.models import Case, IntegerField, Q, Sum, Value, When

# A copy of the rollup's statement as it is today (metrics.rollup.days.refresh_weeks), on purpose: a
# migration must keep doing what it did when it was written, whatever the rollup becomes.
COUNTERS = (
    "actions",
    "contributions",
    "topics",
    "replies",
    "entries",
    "comments",
    "reactions",
    "lessons_completed",
    "goals_completed",
)
KEYS = ("week", "actor_id", "cohort_id", "management_level", "department", "role")


def day_bit(condition):
    """A person-day's weekday as one bit (Monday 1 ... Sunday 64) when ``condition`` holds, else 0."""
    return Case(
        *(When(condition, day__iso_week_day=d + 1, then=Value(1 << d)) for d in range(7)),
        default=Value(0),
        output_field=IntegerField(),
    )


def fill_day_masks(apps, schema_editor):
    """Rewrite every person-week from the person-days, as the rollup does (one INSERT ... SELECT)."""
    daily = apps.get_model("metrics", "DailyActor")
    weekly = apps.get_model("metrics", "WeeklyActor")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    weekly.objects.all().delete()
    summed = (
        daily.objects.values(*KEYS)
        .annotate(
            **{f"total_{c}": Sum(c) for c in COUNTERS},
            days_active=Sum(day_bit(Q(actions__gt=0))),
            days_contributed=Sum(day_bit(Q(contributions__gt=0))),
        )
        .order_by()
    )
    sql, params = summed.query.sql_with_params()
    columns = ", ".join(quote(c) for c in (*KEYS, *COUNTERS, "active_mask", "contribution_mask"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(weekly._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0007_weekly_actor_active_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyactor",
            name="active_mask",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="days of the week with engagement activity, one bit a day (Monday = 1)"
            ),
        ),
        migrations.AddField(
            model_name="weeklyactor",
            name="contribution_mask",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="days of the week with a contribution, one bit a day (Monday = 1)"
            ),
        ),
        migrations.RemoveField(model_name="weeklyactor", name="active_days"),
        migrations.RunPython(fill_day_masks, migrations.RunPython.noop),
    ]
