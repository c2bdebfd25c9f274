from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package: settings, urls, celery, health, the home page and shared content helpers."""

    name = "portal"
    verbose_name = "Keystone"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "portal.jobs.sweep",
            "portal.tasks.heartbeat",
        }
    )

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .media_access import register_media
        from .prepared import forget_plans

        # Compiled queries may hold ids read from the database (content types): recompile after migrate/flush.
        post_migrate.connect(forget_plans, dispatch_uid="portal.prepared.forget_plans")

        # Protected media: avatars are for signed-in members (reliability/security work).
        register_media("avatars", lambda user, name: bool(user.is_authenticated and user.is_active))

        # The people group of the one search (issue 17); forums and blogs register theirs.
        from .search import register_search
        from .search.people import search_people

        register_search("people", "People", search_people, order=30)
