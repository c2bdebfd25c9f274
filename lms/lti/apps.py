from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lms.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "lti.tasks.scores_sync_all",
            "lti.tasks.scores_sync_course",
            "lti.tasks.scores_sync_user",
        }
    )
    # Scores follow goal progress through a Celery signal, connected by ``lms.lti.tasks`` (imported by every
    # process that runs jobs: the worker, and the eager in-process path); not here, so a web process, which
    # only hands jobs over, never loads Celery for it (issue 13).
