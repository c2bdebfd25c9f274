from django.apps import AppConfig, apps


class BlogsConfig(AppConfig):
    name = "blogs"
    verbose_name = "Blogs"

    def ready(self) -> None:
        from portal.notifications import register_visibility

        from . import permissions

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
        if apps.is_installed("forums"):
            # Comments join the boards' flags and review queue; watched boards' new topics join the stream.
            from .flags import register
            from .selectors.stream import register_source, topic_source

            register()
            register_source(topic_source)
