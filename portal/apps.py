from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package: settings, urls, celery, health, the home page and shared content helpers."""

    name = "portal"
    verbose_name = "Keystone"

    def ready(self) -> None:
        from .media_access import register_media

        # Protected media: avatars are for signed-in members (reliability/security work).
        register_media("avatars", lambda user, name: bool(user.is_authenticated and user.is_active))

        # The people group of the one search (issue 17); forums and blogs register theirs.
        from .search import register_search
        from .search.people import search_people

        register_search("people", "People", search_people, order=30)
