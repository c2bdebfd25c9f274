from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The learning stack: LTI 1.3 (lms.lti), xAPI statements to the organisation's LRS, calendar feeds."""

    name = "lms"
    label = "lms"
    verbose_name = "Learning stack"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset({"lms.tasks.xapi_push"})
    default_auto_field = "django.db.models.BigAutoField"
