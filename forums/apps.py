from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Discussion boards"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "forums.tasks.answer_accepted_notify",
            "forums.tasks.attachments_prune",
            "forums.tasks.flags_resolved_notify",
            "forums.tasks.mentions_notify",
            "forums.tasks.post_created_notify",
            "forums.tasks.reaction_notify",
            "forums.tasks.topic_created_notify",
        }
    )

    def ready(self) -> None:
        from .models import Post
        from .services.flags import POST_HOOKS, register_flaggable

        register_flaggable("post", Post, POST_HOOKS)

        # Protected media: an attached image is readable by whoever may read its post (a draft's: its uploader).
        from portal.media_access import register_media

        from .permissions import attachment_readable

        register_media("forums", attachment_readable)

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

        # The portal's one search shows posts the viewer may read (issue 17, one search).
        from portal.search import register_search

        from .selectors.everywhere import boards_search_url, search_boards

        register_search("boards", "Boards", search_boards, order=10, more_url=boards_search_url)

        # A person's profile lists their recent topics and replies, as the viewer may see them (issue 17).
        from portal.profile_activity import register_profile_section

        from .selectors.profile import recent_replies, recent_topics

        register_profile_section("topics", "Recent topics", recent_topics, empty="No topics to show yet.", order=10)
        register_profile_section("replies", "Recent replies", recent_replies, empty="No replies to show yet.", order=20)

        _register_personal()


def _register_personal() -> None:
    """Issue 17 (feat): posts can be saved, forum drafts appear on My drafts, mutes silence notifications."""
    from django.db.models import Q

    from portal.notifications import register_mute_check

    from . import permissions
    from .models import Mute, Poll, Post, Topic
    from .personal import Saveable, register_draft_source, register_saveable
    from .selectors.personal import excerpt, forum_drafts

    def _describe_post(post: Post) -> tuple[str, str, str, str]:
        title = post.topic.title if post.number == 1 else f"Reply #{post.number} in “{post.topic.title}”"
        author = post.author.display_name if post.author else "A former member"
        return title, post.get_absolute_url(), excerpt(post.body), author

    register_saveable(
        Saveable(
            key="post",
            model=Post,
            label="Post",
            visible=lambda user, post: not post.is_removed and permissions.can_view_topic(user, post.topic),
            describe=_describe_post,
            queryset=lambda qs: qs.select_related("topic__board", "author__profile"),
        )
    )
    register_draft_source(forum_drafts)

    def _muted(recipient, *, actor, target) -> bool:
        topic_id = None
        if isinstance(target, Topic):
            topic_id = target.pk
        elif isinstance(target, Post | Poll):
            topic_id = target.topic_id
        condition = Q()
        if actor is not None:
            condition |= Q(person_id=actor.pk)
        if topic_id is not None:
            condition |= Q(topic_id=topic_id)
        if not condition:
            return False
        return Mute.objects.filter(condition, user=recipient).exists()

    register_mute_check(_muted)
