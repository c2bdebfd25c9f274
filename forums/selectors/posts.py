"""A topic's page of posts, and a post's edit history with differences between revisions."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import UTC
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.links import url_maker
from portal.people.models import ManagementLevel, Profile
from portal.prepared import prepared

from .. import permissions
from ..models import Board, Draft, Flag, Post, PostRevision, Reaction, ReadState, Topic, Watch
from ..text import readable_text


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    names: list[str]
    mine: bool


# The columns of a topic page's posts, loaded as plain values (issue 13: building ~120 model instances a page,
# posts, their authors and the posts they answer with theirs, was a large share of its CPU).
_POST_COLUMNS = (
    "pk",
    "number",
    "body",
    "hidden_reason",
    "created_at",
    "edit_count",
    "deleted_at",
    "deleted_by_id",
    "hidden_at",
    "hidden_by_id",
    "author_id",
    "reply_to_id",
    "author__email",
    "author__profile__display_name",
    "author__profile__job_title",
    "author__profile__management_level",
    "author__profile__avatar_thumb",
    "reply_to__number",
    "reply_to__deleted_at",
    "reply_to__hidden_at",
    "reply_to__author_id",
    "reply_to__author__email",
    "reply_to__author__profile__display_name",
)
_POST_NAMES = tuple(column.replace("__", "_") for column in _POST_COLUMNS)


class PagePost:
    """One post of a topic page as plain values: the Post fields the page shows under their own names (so
    forums.permissions takes it like a Post), its author's and its reply target's as ``author_…`` and
    ``reply_to_…``, and what topic_page attaches (``topic``, ``show_body``, ``can_edit``, ``reaction_summary`` …)."""

    topic: Topic

    def __init__(self, row: tuple):
        self.__dict__.update(zip(_POST_NAMES, row, strict=True))

    def __getattr__(self, name: str) -> Any:  # reached only for names neither loaded nor attached
        raise AttributeError(name)

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None

    @property
    def reply_to_is_removed(self) -> bool:
        return self.reply_to_deleted_at is not None or self.reply_to_hidden_at is not None


@dataclass
class TopicPage:
    topic: Topic
    posts: list[Any]  # PagePost
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


_TOPIC_FIELDS = [f.attname for f in Topic._meta.concrete_fields]
_BOARD_FIELDS = [f.attname for f in Board._meta.concrete_fields]


def _page_topic(topic_id, user_id):
    return (
        Topic.objects.filter(pk=topic_id)
        .annotate(
            my_last_read=Subquery(
                ReadState.objects.filter(user_id=user_id, topic=OuterRef("pk")).values("last_read_number")[:1]
            ),
            my_watching=Exists(Watch.objects.filter(user_id=user_id, topic=OuterRef("pk"), watching=True)),
        )
        .values_list(*_TOPIC_FIELDS, *(f"board__{name}" for name in _BOARD_FIELDS), "my_last_read", "my_watching")
    )


def page_topic(user, topic_id: int) -> Topic:
    """visible_topic for the topic page (issue 13): the topic, its board, the reader's position and watch from
    SQL compiled once (portal.prepared), and the accepted answer with its author only when there is one.

    Guarantees: Http404 exactly when visible_topic raises it; the topic carries ``board``, ``accepted_post``
    (with ``author.profile``), ``my_last_read`` and ``my_watching``; other relations load when first read.
    """
    if not getattr(user, "is_authenticated", False):
        return visible_topic(user, topic_id)
    rows = prepared("forums:page-topic", _page_topic, int(topic_id), user.pk)
    if not rows:
        raise Http404("No such topic.")
    row, n, m = rows[0], len(_TOPIC_FIELDS), len(_TOPIC_FIELDS) + len(_BOARD_FIELDS)
    topic = Topic.from_db("default", _TOPIC_FIELDS, row[:n])
    topic.board = Board.from_db("default", _BOARD_FIELDS, row[n:m])
    decorated = cast(Any, topic)
    decorated.my_last_read, decorated.my_watching = row[m], row[m + 1]
    if not permissions.can_view_topic(user, topic):
        raise Http404("No such topic.")
    if topic.accepted_post_id is not None:
        topic.accepted_post = Post.objects.select_related("author__profile").filter(pk=topic.accepted_post_id).first()
    return topic


def summarise_reactions(post: Post, user) -> list[ReactionSummary]:
    """Count, names and the reader's own per kind, from ``post.reaction_rows`` ((user id, kind, name) in order,
    loaded by topic_page without building model instances) or else the post's prefetched reactions."""
    rows = getattr(post, "reaction_rows", None)
    if rows is None:
        rows = [(r.user_id, r.kind, r.user.display_name) for r in post.reactions.all()]  # prefetched
    by_kind: dict[str, list[tuple[int, str, str]]] = {}
    for row in rows:
        by_kind.setdefault(row[1], []).append(row)
    me = getattr(user, "pk", None)
    return [
        ReactionSummary(
            kind=kind,
            label=label,
            count=len(by_kind.get(kind, [])),
            names=[name for _, _, name in by_kind.get(kind, [])],
            mine=any(user_id == me for user_id, _, _ in by_kind.get(kind, [])),
        )
        for kind, label in Reaction.Kind.choices
    ]


_POST_URLS = {
    "detail": ("forums:post-detail",),
    "quote": ("forums:post-quote",),
    "react": ("forums:post-react",),
    "history": ("forums:post-history",),
    "edit": ("forums:post-edit",),
    "delete": ("forums:post-delete",),
    "restore": ("forums:post-restore",),
    "hide": ("forums:post-hide",),
    "unhide": ("forums:post-unhide",),
    "accept": ("forums:post-accept",),
    "flag": ("forums:flag-create", "post"),
    "save": ("forums:bookmark", "post"),
}


@lru_cache(maxsize=8)
def _url_makers(script_prefix: str, urlconf: str | None) -> dict:
    """The post links' makers, reversed once per process (per script prefix and URLconf they depend on)."""
    makers = {key: url_maker(*spec) for key, spec in _POST_URLS.items()}
    makers["author"], makers["mute"] = url_maker("people:profile"), url_maker("forums:person-mute")
    return makers


def attach_urls(posts: list[Any], *, topic: Topic) -> None:
    """Each post's links as ``post.urls``, built from URLs reversed once, not ~10 per post (issue 13: URL
    reversal was a large share of the topic page's CPU)."""
    makers = _url_makers(get_script_prefix(), get_urlconf())
    profile, mute = makers["author"], makers["mute"]
    makers = {key: makers[key] for key in _POST_URLS}
    reply = reverse("forums:topic-reply", args=[topic.pk])
    for post in cast("list[Any]", posts):  # urls is attached here, not declared on Post
        post.urls = {key: make(post.pk) for key, make in makers.items()}
        post.urls["reply"] = reply
        if post.author_id:
            post.urls["author"], post.urls["mute"] = profile(post.author_id), mute(post.author_id)
        if post.reply_to_id:
            post.urls["reply_to"] = makers["detail"](post.reply_to_id)


def attach_reactions(post: Post, user) -> None:
    decorated: Any = post  # the template's attributes are attached here, not declared on Post
    decorated.reaction_summary = summarise_reactions(post, user)
    decorated.reaction_total = sum(r.count for r in decorated.reaction_summary)


def decorate_posts(posts: list[Any], user, *, topic: Topic, moderator: bool, flagged_ids: set[int]) -> None:
    """Attach what the template needs to each post (booleans, summaries and links; no queries)."""
    attach_urls(posts, topic=topic)
    for post in cast("list[Any]", posts):  # the template's attributes are attached here, not declared on Post
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


_KIND_LABELS = dict(Reaction.Kind.choices)


def reaction_row(post: Any) -> dict:
    """What the reactions block of one post shows (reactions.html): buttons or counts, who reacted, the reader's."""
    summary = post.reaction_summary
    return {
        "pk": post.pk,
        "n": post.number,
        "can_react": post.can_react,
        "kinds": [(r.kind, r.label, r.count, r.mine) for r in summary],
        "who": ". ".join(f"{r.label}: {', '.join(r.names)}" for r in summary if r.count),
        "mine": " ".join(f"You reacted {r.label.lower()}." for r in summary if r.mine),
    }


_LEVEL_LABELS = dict(ManagementLevel.choices)


@lru_cache(maxsize=4096)
def _when(moment, language: str | None, zone: str) -> str:
    """A post's date as the page shows it, in the active time zone and language (both part of the key: a
    reader in another zone never gets another's string); the same moments come back on every request."""
    return date_filter(timezone.localtime(moment), "j M Y, H:i")  # a template converts first; a call does not


def _initials(name: str) -> str:
    """Profile.initials (the model's own rule), from the display name or e-mail address already loaded."""
    return Profile.initials.fget(SimpleNamespace(display_name=name, user=SimpleNamespace(email=name)))  # type: ignore[attr-defined]


def _avatar_url(name: str | None) -> str:
    """What ``profile.avatar_thumb.url`` gives, from the stored file name (no Profile built)."""
    return Profile._meta.get_field("avatar_thumb").storage.url(name) if name else ""


def post_rows(page: TopicPage, user, *, saved_ids: set[int], muted_people: set[int]) -> list[dict]:
    """One flat dict per post with every string and flag post.html shows, computed here once (issue 13).

    The template then does single dictionary look-ups instead of attribute chains, filters and permission
    checks per post; a Django template variable costs microseconds each, and the topic page had ~2,200.
    """
    rows = []
    topic = page.topic
    me = getattr(user, "pk", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    for post in cast("list[Any]", page.posts):
        author = post.author_id is not None
        name = post.author_profile_display_name or post.author_email or ""
        level = post.author_profile_management_level
        removed = post.is_removed
        urls = post.urls
        row = {
            "pk": post.pk,
            "n": post.number,
            "moderator": page.moderator,
            "body": post.body,
            "hidden_reason": post.hidden_reason,
            "urls": urls,
            "classes": " ".join(
                c
                for c, on in (("removed", removed), ("accepted", post.is_accepted), ("opening", post.number == 1))
                if on
            ),
            "author": name,
            "author_id": post.author_id,
            "initials": _initials(name) if author else "?",
            "avatar": _avatar_url(post.author_profile_avatar_thumb) if author else "",
            "job": (post.author_profile_job_title or "") if author else "",
            "level": level if author else None,
            "level_label": _LEVEL_LABELS.get(level, "") if author and level else "",
            "iso": post.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "when": _when(post.created_at, get_language(), timezone.get_current_timezone_name()),
            "edited": bool(post.edit_count and post.show_body),
            "reply_to": None,
            "accepted": post.is_accepted,
            "removed": removed,
            "show_body": post.show_body,
            "reactions": reaction_row(post) if not removed else None,
            "quote": page.can_reply and not removed,
            "reply": page.can_reply and not removed and post.number != 1,
            "accept": (
                ("unmark" if post.is_accepted else "mark")
                if topic.is_question and post.number != 1 and not removed and page.can_accept
                else ""
            ),
            "edit": post.can_edit and not post.deleted_at,
            "save": signed_in and not removed,
            "saved": post.pk in saved_ids,
            "mute": (
                ("unmute" if post.author_id in muted_people else "mute")
                if signed_in and not removed and author and post.author_id != me
                else ""
            ),
            "muted": bool(post.author_id and post.author_id in muted_people),
            "flag": post.can_flag,
            "flagged": post.flagged_by_me,
            "delete": post.can_delete,
            "restore": post.can_restore,
            "unhide": page.moderator and not post.deleted_at and bool(post.hidden_at),
            "hide": page.moderator and not post.deleted_at and not post.hidden_at,
            "history": bool(post.edit_count),
        }
        row["more"] = row["delete"] or row["restore"] or page.moderator
        if post.reply_to_id is not None and not post.reply_to_is_removed:
            row["reply_to"] = {
                "url": urls["reply_to"],
                "name": (post.reply_to_author_profile_display_name or post.reply_to_author_email)
                if post.reply_to_author_id is not None
                else "a former member",
                "n": post.reply_to_number,
            }
        if removed:
            if post.deleted_at:
                by_moderator = post.deleted_by_id and post.deleted_by_id != post.author_id
                row["placeholder"] = "Post removed by a moderator." if by_moderator else "Post removed."
            elif post.hidden_by_id:
                row["placeholder"] = "This post was hidden by a facilitator."
            else:
                row["placeholder"] = (
                    "This post was hidden by a facilitator after several people flagged it, pending review."
                )
        rows.append(row)
    return rows


def _page_posts(topic_id, first, last):
    posts = Post.objects.filter(topic_id=topic_id, number__range=(first, last))
    return posts.order_by("number").values_list(*_POST_COLUMNS)


def _page_reactions(topic_id, first, last):
    return (
        Reaction.objects.filter(post__topic_id=topic_id, post__number__range=(first, last))
        .order_by("created_at", "pk")
        .values_list("post_id", "user_id", "kind", "user__profile__display_name", "user__email")
    )


def _page_draft(user_id, topic_id):
    return Draft.objects.filter(user_id=user_id, topic_id=topic_id).values_list("pk", "body", "updated_at")[:1]


def topic_page(user, topic: Topic, *, page: int | str = 1, flagged_ids: set[int] | None = None) -> TopicPage:
    """One page of a topic's posts, in order, with everything the page shows already loaded.

    Removed posts stay in place as placeholders (their text only for moderators, and for the author of
    a post a moderator hid). The query count does not depend on the number of posts or reactions.
    ``flagged_ids``: the posts with the reader's open flags when the caller has them (topic_reader_state),
    else one more query finds them.
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
    posts = [PagePost(row) for row in prepared("forums:page-posts", _page_posts, topic.pk, first, last)]
    if posts:  # who reacted, as plain rows (issue 13: ~70 model instances a page were a large share of its CPU)
        by_post: dict[int, list[tuple[int, str, str]]] = {p.pk: [] for p in posts}
        for post_id, user_id, kind, name, email in prepared(
            "forums:page-reactions", _page_reactions, topic.pk, first, last
        ):
            if post_id in by_post:
                by_post[post_id].append((user_id, kind, name or email))
        for post in cast("list[Any]", posts):
            post.reaction_rows = by_post[post.pk]
    last_read = None
    watching = False
    draft = None
    can_reply = permissions.can_reply(user, topic)
    if not getattr(user, "is_authenticated", False):
        flagged_ids = set()
    else:
        if flagged_ids is None:
            flagged_ids = set(
                Flag.objects.filter(
                    content_type=ContentType.objects.get_for_model(Post),
                    object_id__in=[p.pk for p in posts],
                    flagger=user,
                    status=Flag.Status.OPEN,
                ).values_list("object_id", flat=True)
            )
        if hasattr(topic, "my_watching"):  # loaded by visible_topic
            last_read, watching = cast(Any, topic).my_last_read, cast(Any, topic).my_watching
        else:
            last_read = (
                ReadState.objects.filter(user=user, topic=topic).values_list("last_read_number", flat=True).first()
            )
            watching = Watch.objects.filter(user=user, topic=topic, watching=True).exists()
        if can_reply:
            for pk, body, updated_at in prepared("forums:page-draft", _page_draft, user.pk, topic.pk):
                draft = Draft(pk=pk, user=user, board_id=topic.board_id, topic=topic, body=body, updated_at=updated_at)
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
