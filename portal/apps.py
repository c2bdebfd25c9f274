from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "People and cohorts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (allauth integration)
