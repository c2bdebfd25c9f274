"""A topic's page of posts, and a post's edit history with differences between revisions."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
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


_PK_MARK = 987654321987  # reversed once per page, then each post's pk is put in its place


def _url_maker(name: str, *args):
    prefix, _, suffix = reverse(name, args=[*args, _PK_MARK]).partition(str(_PK_MARK))
    return lambda pk: f"{prefix}{pk}{suffix}"


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


def attach_urls(posts: list[Post], *, topic: Topic) -> None:
    """Each post's links as ``post.urls`` from one reversal per URL name per page, not ~10 per post (issue 13:
    URL reversal was a large share of the topic page's CPU)."""
    makers = {key: _url_maker(*spec) for key, spec in _POST_URLS.items()}
    profile, mute = _url_maker("people:profile"), _url_maker("forums:person-mute")
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


def decorate_posts(posts: list[Post], user, *, topic: Topic, moderator: bool, flagged_ids: set[int]) -> None:
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
        author = post.author
        profile = author.profile if author else None
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
            "author": author.display_name if author else "",
            "author_id": post.author_id,
            "initials": profile.initials if profile else "?",
            "avatar": profile.avatar_thumb.url if profile and profile.avatar_thumb else "",
            "job": profile.job_title if profile else "",
            "level": profile.management_level if profile else None,
            "level_label": profile.get_management_level_display() if profile and profile.management_level else "",
            "iso": post.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "when": date_filter(post.created_at, "j M Y, H:i"),
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
        target = post.reply_to
        if target is not None and not target.is_removed:
            row["reply_to"] = {
                "url": urls["reply_to"],
                "name": target.author.display_name if target.author else "a former member",
                "n": target.number,
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


# Columns the topic page never shows (search text as long as the body, password hashes, biographies).
_UNSHOWN = (
    "search_text",
    "client_key",
    "author__password",
    "author__profile__bio",
    "reply_to__body",
    "reply_to__search_text",
    "reply_to__client_key",
    "reply_to__author__password",
    "reply_to__author__profile__bio",
)


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
        .defer(*_UNSHOWN)
        .order_by("number")
    )
    if posts:  # who reacted, as plain rows (issue 13: ~70 model instances a page were a large share of its CPU)
        by_post: dict[int, list[tuple[int, str, str]]] = {p.pk: [] for p in posts}
        reactions = (
            Reaction.objects.filter(post__in=list(by_post))
            .order_by("created_at")
            .values_list("post_id", "user_id", "kind", "user__profile__display_name", "user__email")
        )
        for post_id, user_id, kind, name, email in reactions:
            by_post[post_id].append((user_id, kind, name or email))
        for post in cast("list[Any]", posts):
            post.reaction_rows = by_post[post.pk]
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
            last_read, watching = cast(Any, topic).my_last_read, cast(Any, topic).my_watching
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
