"""A topic's page of posts, and a post's edit history with differences between revisions."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import permissions
from ..models import Draft, Flag, Post, PostRevision, Reaction, ReadState, Topic, Watch
from ..text import readable_text


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    names: list[str]
    mine: bool


@dataclass
class TopicPage:
    topic: Topic
    posts: list[Post]
    page: int
    num_pages: int
    moderator: bool
    can_reply: bool
    last_read: int | None  # before this visit
    first_unread: int | None  # the post number to jump to, if any
    watching: bool
    draft: Draft | None
    accepted: Post | None
    can_accept: bool = False
    page_numbers: list[int] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def last_number_on_page(self) -> int:
        return self.posts[-1].number if self.posts else 0


def posts_per_page() -> int:
    return settings.FORUM_POSTS_PER_PAGE


def page_of(number: int) -> int:
    return max(1, math.ceil(number / posts_per_page()))


def visible_topic(user, topic_id: int) -> Topic:
    """The topic if ``user`` may see it (Http404 otherwise), with the reader's position and watch in the same query."""
    qs = Topic.objects.select_related("board__cohort", "author__profile", "accepted_post__author__profile")
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(
            my_last_read=Subquery(
                ReadState.objects.filter(user=user, topic=OuterRef("pk")).values("last_read_number")[:1]
            ),
            my_watching=Exists(Watch.objects.filter(user=user, topic=OuterRef("pk"), watching=True)),
        )
    topic = qs.filter(pk=topic_id).first()
    if topic is None or not permissions.can_view_topic(user, topic):
        raise Http404("No such topic.")
    return topic


def summarise_reactions(post: Post, user) -> list[ReactionSummary]:
    by_kind: dict[str, list[Reaction]] = {}
    for reaction in post.reactions.all():  # prefetched
        by_kind.setdefault(reaction.kind, []).append(reaction)
    return [
        ReactionSummary(
            kind=kind,
            label=label,
            count=len(by_kind.get(kind, [])),
            names=[r.user.display_name for r in by_kind.get(kind, [])],
            mine=any(r.user_id == getattr(user, "pk", None) for r in by_kind.get(kind, [])),
        )
        for kind, label in Reaction.Kind.choices
    ]


def attach_reactions(post: Post, user) -> None:
    post.reaction_summary = summarise_reactions(post, user)
    post.reaction_total = sum(r.count for r in post.reaction_summary)


def decorate_posts(posts: list[Post], user, *, topic: Topic, moderator: bool, flagged_ids: set[int]) -> None:
    """Attach what the template needs to each post (booleans and summaries; no queries)."""
    for post in posts:
        post.topic = topic
        post.show_body = permissions.can_view_post_body(user, post, moderator=moderator)
        attach_reactions(post, user)
        post.can_edit = permissions.can_edit_post(user, post, moderator=moderator)
        post.can_delete = permissions.can_delete_post(user, post, moderator=moderator)
        post.can_restore = permissions.can_restore_post(user, post, moderator=moderator)
        post.can_react = permissions.can_react(user, post) and not (topic.is_locked and not moderator)
        post.can_flag = permissions.can_flag(user, post) and post.pk not in flagged_ids
        post.flagged_by_me = post.pk in flagged_ids
        post.is_accepted = topic.accepted_post_id == post.pk


def topic_page(user, topic: Topic, *, page: int | str = 1) -> TopicPage:
    """One page of a topic's posts, in order, with everything the page shows already loaded.

    Removed posts stay in place as placeholders (their text only for moderators, and for the author of
    a post a moderator hid). The query count does not depend on the number of posts or reactions.
    """
    board = topic.board
    moderator = permissions.can_moderate_board(user, board)
    size = posts_per_page()
    num_pages = max(1, math.ceil(topic.highest_number / size))
    try:
        page = min(max(1, int(page)), num_pages)
    except (TypeError, ValueError):
        page = 1
    first, last = (page - 1) * size + 1, page * size
    posts = list(
        Post.objects.filter(topic=topic, number__range=(first, last))
        .select_related("author__profile", "reply_to__author__profile")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.select_related("user__profile").order_by("created_at"))
        )
        .order_by("number")
    )
    flagged_ids: set[int] = set()
    last_read = None
    watching = False
    draft = None
    can_reply = permissions.can_reply(user, topic)
    if getattr(user, "is_authenticated", False):
        post_type = ContentType.objects.get_for_model(Post)
        flagged_ids = set(
            Flag.objects.filter(
                content_type=post_type,
                object_id__in=[p.pk for p in posts],
                flagger=user,
                status=Flag.Status.OPEN,
            ).values_list("object_id", flat=True)
        )
        if hasattr(topic, "my_watching"):  # loaded by visible_topic
            last_read, watching = topic.my_last_read, topic.my_watching
        else:
            last_read = (
                ReadState.objects.filter(user=user, topic=topic).values_list("last_read_number", flat=True).first()
            )
            watching = Watch.objects.filter(user=user, topic=topic, watching=True).exists()
        if can_reply:
            draft = Draft.objects.filter(user=user, topic=topic).first()
    decorate_posts(posts, user, topic=topic, moderator=moderator, flagged_ids=flagged_ids)
    first_unread = None
    if last_read is not None and last_read < topic.last_post_number:
        first_unread = last_read + 1
    accepted = topic.accepted_post
    if accepted is not None and (accepted.is_removed and not moderator):
        accepted = None
    return TopicPage(
        topic=topic,
        posts=posts,
        page=page,
        num_pages=num_pages,
        moderator=moderator,
        can_reply=can_reply,
        last_read=last_read,
        first_unread=first_unread,
        watching=watching,
        draft=draft,
        accepted=accepted,
        can_accept=permissions.can_accept_answer(user, topic, moderator=moderator),
        page_numbers=list(range(1, num_pages + 1)),
    )


# ---------------------------------------------------------------- edit history
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def diff_html(before: str, after: str) -> SafeString:
    """A word-level difference of two plain texts as HTML: <del> for removed, <ins> for added words.

    Every piece of text is escaped before it is wrapped, so user text is never marked safe raw.
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


@dataclass
class RevisionView:
    revision: PostRevision
    diff: SafeString | None  # against the previous revision; None for the original
    title_diff: SafeString | None


def post_history(user, post: Post) -> list[RevisionView]:
    """Every revision of a post, newest first, each with its difference from the one before."""
    revisions = list(post.revisions.select_related("editor__profile").order_by("number"))
    views: list[RevisionView] = []
    previous = None
    for revision in revisions:
        diff = title_diff = None
        if previous is not None:
            diff = diff_html(readable_text(previous.body), readable_text(revision.body))
            if revision.title and previous.title and revision.title != previous.title:
                title_diff = diff_html(previous.title, revision.title)
        views.append(RevisionView(revision=revision, diff=diff, title_diff=title_diff))
        previous = revision
    return list(reversed(views))
