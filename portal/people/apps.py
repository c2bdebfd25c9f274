from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People, roles, cohorts, follows and invitations."""

    name = "portal.people"
    label = "people"
    verbose_name = "People and cohorts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (allauth integration)
