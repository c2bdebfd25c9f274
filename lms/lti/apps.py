from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lms.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (scores follow goal progress)
