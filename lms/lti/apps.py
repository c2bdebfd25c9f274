from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lms.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"
    # Scores follow goal progress through a Celery signal, connected by ``lms.lti.tasks`` (imported by every
    # process that runs jobs: the worker, and the eager in-process path); not here, so a web process, which
    # only hands jobs over, never loads Celery for it (issue 13).
