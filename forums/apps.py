from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Discussion boards"

    def ready(self) -> None:
        from .models import Post
        from .services.flags import POST_HOOKS, register_flaggable

        register_flaggable("post", Post, POST_HOOKS)

        # The bell, e-mails and digests re-check these, so a notification never shows a post or topic
        # its recipient can no longer read (e.g. after leaving the cohort).
        from portal.notifications import register_visibility

        from . import permissions

        def _post_visible(user, post) -> bool:
            # Board and topic access decide; a hidden post still shows its placeholder, and a flagger
            # must still hear that the post they flagged was hidden.
            return permissions.can_view_topic(user, post.topic)

        register_visibility("forums.post", _post_visible, queryset=lambda qs: qs.select_related("topic__board"))
        register_visibility("forums.topic", permissions.can_view_topic, queryset=lambda qs: qs.select_related("board"))
