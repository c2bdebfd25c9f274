from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Adoption metrics"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "metrics.tasks.rollup",
            "metrics.tasks.send_sponsor_summary",
            "metrics.tasks.sponsor_summaries_due",
        }
    )
