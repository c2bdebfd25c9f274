from django.apps import AppConfig


class FacilitationConfig(AppConfig):
    name = "onboarding.facilitation"
    label = "facilitation"
    verbose_name = "Facilitation"

    def ready(self) -> None:
        from portal.notifications import register_visibility

        from . import hooks, permissions

        register_visibility("facilitation.reviewrequest", permissions.can_view_review)
        register_visibility("facilitation.nudge", permissions.can_view_nudge)
        hooks.connect()
