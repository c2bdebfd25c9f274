from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_library(sender, apps=None, **kwargs):
    """Re-install the shipped prompt library after migrate and after a flush (idempotent: only missing keys,
    never an edited or removed prompt). The data migration installs it once; a flush (between transactional
    tests, or an operator's `manage.py flush`) empties the table, and post_migrate is what Django emits next."""
    from .services.library import library_install

    library_install(apps)


class FacilitationConfig(AppConfig):
    name = "onboarding.facilitation"
    label = "facilitation"
    verbose_name = "Facilitation"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "facilitation.prompt_failed_notify",
            "facilitation.prompt_released_notify",
            "facilitation.release_due_prompts",
            "facilitation.release_quiet_boards",
            "facilitation.review_comment_notify",
            "facilitation.review_requested_notify",
            "facilitation.review_revised_notify",
        }
    )

    def ready(self) -> None:
        from portal.notifications import register_visibility

        from . import hooks, permissions

        register_visibility("facilitation.reviewrequest", permissions.can_view_review)
        register_visibility("facilitation.nudge", permissions.can_view_nudge)
        hooks.connect()
        post_migrate.connect(_install_library, sender=self, dispatch_uid="facilitation-library")

        # Topic lists mark starter prompts (issue 17): an annotation inside the list's own query.
        from forums.selectors.topics import register_topic_list_annotation

        register_topic_list_annotation("is_starter_prompt", _is_starter_prompt)


def _is_starter_prompt():
    from django.db.models import Exists, OuterRef

    from .models import ScheduledPrompt

    return Exists(ScheduledPrompt.objects.filter(released_topic=OuterRef("pk")))
