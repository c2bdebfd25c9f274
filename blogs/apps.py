from django.apps import AppConfig, apps


class BlogsConfig(AppConfig):
    name = "blogs"
    verbose_name = "Blogs"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "blogs.tasks.comment_notify",
            "blogs.tasks.entry_announce",
            "blogs.tasks.entry_announce_batch",
            "blogs.tasks.publish_due_entries",
        }
    )

    def ready(self) -> None:
        from portal.media_access import register_media
        from portal.notifications import register_visibility

        from . import permissions

        # Protected media: a cover image is readable by whoever may read its entry (a draft's: its author).
        register_media("blogs", permissions.cover_readable)

        # Nobody sees a notification about an entry or comment they can no longer read.
        register_visibility(
            "blogs.entry",
            permissions.can_view_entry,
            queryset=lambda qs: qs.select_related("blog", "cohort"),
        )
        register_visibility(
            "blogs.comment",
            lambda user, comment: comment.is_visible and permissions.can_view_entry(user, comment.entry),
            queryset=lambda qs: qs.select_related("entry__blog", "entry__cohort"),
        )
        # The portal's one search shows entries the viewer may read (issue 17, one search).
        from portal.search import register_search

        from .selectors.search import search_entries

        register_search("blogs", "Blogs", search_entries, order=20)

        # A person's profile lists their recent entries, as the viewer may read them (issue 17).
        from portal.profile_activity import register_profile_section

        from .selectors.profile import recent_entries

        register_profile_section(
            "entries", "Recent blog entries", recent_entries, empty="No blog entries to show yet.", order=30
        )

        # Entries written before the search text existed get theirs after migrate (no data migration).
        from django.db.models.signals import post_migrate

        from .services.entries import entry_search_text_backfill

        post_migrate.connect(_backfill_after_migrate(entry_search_text_backfill), sender=self, weak=False)

        if apps.is_installed("forums"):
            # Comments join the boards' flags and review queue; watched boards' new topics join the stream.
            from .flags import register
            from .selectors.stream import register_source, topic_source

            register()
            register_source(topic_source)
            _register_personal()


def _backfill_after_migrate(backfill):
    def handler(*, using="default", **kwargs):
        if using == "default":
            backfill()

    return handler


def _register_personal() -> None:
    """Issue 17 (feat): entries can be saved (forums' Saved page) and entry drafts join My drafts."""
    from forums.personal import Saveable, register_draft_source, register_saveable
    from forums.selectors.personal import excerpt

    from . import permissions
    from .models import Entry
    from .selectors.personal import entry_drafts

    def _describe(entry: Entry) -> tuple[str, str, str, str]:
        return entry.title, entry.get_absolute_url(), entry.summary or excerpt(entry.body), entry.author.display_name

    register_saveable(
        Saveable(
            key="entry",
            model=Entry,
            label="Blog entry",
            visible=lambda user, entry: entry.is_published and permissions.can_view_entry(user, entry),
            describe=_describe,
            queryset=lambda qs: qs.select_related("blog", "cohort", "author__profile"),
        )
    )
    register_draft_source(entry_drafts)
