from django.db import migrations, models
from django.db.models import Count, Q, Sum

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


def fill_active_days(apps, schema_editor):
    """Rewrite every person-week from the person-days, as the rollup does (one INSERT ... SELECT)."""
    daily = apps.get_model("metrics", "DailyActor")
    weekly = apps.get_model("metrics", "WeeklyActor")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    weekly.objects.all().delete()
    summed = (
        daily.objects.values(*KEYS)
        .annotate(**{f"total_{c}": Sum(c) for c in COUNTERS}, days=Count("id", filter=Q(actions__gt=0)))
        .order_by()
    )
    sql, params = summed.query.sql_with_params()
    columns = ", ".join(quote(c) for c in (*KEYS, *COUNTERS, "active_days"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(weekly._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0006_weekly_actor_counters_shared"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyactor",
            name="active_days",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="days of the week with engagement activity (DailyActor rows with actions)"
            ),
        ),
        migrations.RunPython(fill_active_days, migrations.RunPython.noop),
    ]
