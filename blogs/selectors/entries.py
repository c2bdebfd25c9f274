"""Reading entries and comments with everything a page needs already joined."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from portal.people.models import Cohort, Follow, Profile, User
from portal.prepared import prepared

from .. import permissions
from ..models import Blog, Comment, Entry, EntryAutosave, EntryRead, EntryRevision, Tag, TagFollow


def _count(qs: QuerySet, group: str) -> Subquery:
    return Subquery(qs.order_by().values(group).annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def with_counts(qs: QuerySet[Entry]) -> QuerySet[Entry]:
    """Annotate ``comment_count`` (visible comments) and ``read_count`` (distinct readers) without joins."""
    comments = Comment.objects.filter(entry=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True)
    reads = EntryRead.objects.filter(entry=OuterRef("pk"))
    return qs.annotate(
        comment_count=Coalesce(_count(comments, "entry"), Value(0)),
        read_count=Coalesce(_count(reads, "entry"), Value(0)),
    )


def card_queryset() -> QuerySet[Entry]:
    """Entries ready for a card: blog, author and avatar joined, tags prefetched, counts annotated."""
    return with_counts(
        Entry.objects.select_related("blog", "blog__cohort", "author", "author__profile", "cohort").prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name"))
        )
    )


def visible_entries(user) -> QuerySet[Entry]:
    return permissions.filter_visible_entries(user, card_queryset()).order_by("-published_at", "-pk")


def blog_entries(user, blog: Blog) -> QuerySet[Entry]:
    return visible_entries(user).filter(blog=blog)


def tag_entries(user, tag: Tag) -> QuerySet[Entry]:
    return visible_entries(user).filter(tags=tag)


def blog_by_slug(slug: str) -> Blog:
    blog = Blog.objects.select_related("owner", "owner__profile", "cohort").filter(slug=slug).first()
    if blog is None:
        raise Http404("No such blog.")
    return blog


def _follow_counts(follows: QuerySet, who: str, user) -> dict:
    """How many follow something and whether the reader does: one query."""
    counts = follows.aggregate(total=Count("pk"), mine=Count("pk", filter=Q(**{who: getattr(user, "pk", None)})))
    return {"follower_count": counts["total"], "is_following": bool(counts["mine"])}


def _follow_row(person_id, user_id):
    follows = Follow.objects.filter(followee_id=person_id).values("followee_id")
    return follows.annotate(total=Count("pk"), mine=Count("pk", filter=Q(follower_id=user_id))).values_list(
        "total", "mine"
    )


def follow_header(user, person_id: int) -> dict:
    """How many follow the person and whether the reader does: one query (compiled once per thread for a
    signed-in reader; no row means nobody follows them)."""
    if getattr(user, "pk", None) is None:
        return _follow_counts(Follow.objects.filter(followee_id=person_id), "follower_id", user)
    rows = prepared("blogs:follow-header", _follow_row, person_id, user.pk)
    total, mine = rows[0] if rows else (0, 0)
    return {"follower_count": total, "is_following": bool(mine)}


def blog_header(user, blog: Blog) -> dict:
    """Facts for a blog's head: followers of its owner and whether the reader follows them."""
    if blog.is_cohort or blog.owner_id is None:
        return {"follower_count": None, "is_following": False}
    return follow_header(user, blog.owner_id)


# The entry page's entry with what it shows joined, as select_related("blog", "blog__cohort", "author",
# "author__profile", "cohort") would give it: (path, model, relation set on the instance of the path before).
_ENTRY_PARTS = (
    ("", Entry, None),
    ("blog__", Blog, ("", Entry, "blog")),
    ("blog__cohort__", Cohort, ("blog__", Blog, "cohort")),
    ("author__", User, ("", Entry, "author")),
    ("author__profile__", Profile, ("author__", User, "profile")),
    ("cohort__", Cohort, ("", Entry, "cohort")),
)
_ENTRY_FIELDS = {prefix: [f.attname for f in model._meta.concrete_fields] for prefix, model, _ in _ENTRY_PARTS}
_ENTRY_COLUMNS = (*(p + name for p, _, _ in _ENTRY_PARTS for name in _ENTRY_FIELDS[p]), "comment_count", "read_count")


def _page_entry(blog_slug, entry_slug):
    entries = with_counts(Entry.objects.filter(blog__slug=blog_slug, slug=entry_slug))
    return entries.order_by("pk").values_list(*_ENTRY_COLUMNS)[:1]


def _entry_from_row(row: tuple, db: str) -> Entry:
    """Model instances from the joined row, linked both ways as select_related links them."""
    made: dict[str, object] = {}
    at = 0
    for prefix, model, link in _ENTRY_PARTS:
        names = _ENTRY_FIELDS[prefix]
        values = row[at : at + len(names)]
        at += len(names)
        instance = None if values[names.index(model._meta.pk.attname)] is None else model.from_db(db, names, values)
        made[prefix] = instance
        if link is None:
            continue
        owner_prefix, owner_model, name = link
        owner = made[owner_prefix]
        if owner is None:
            continue
        descriptor = getattr(owner_model, name)
        if hasattr(descriptor, "related"):  # a reverse one-to-one (user.profile)
            descriptor.related.set_cached_value(owner, instance)
            if instance is not None:
                descriptor.related.field.set_cached_value(instance, owner)
        else:
            descriptor.field.set_cached_value(owner, instance)
    entry = cast(Entry, made[""])
    entry.comment_count, entry.read_count = row[at], row[at + 1]  # type: ignore[attr-defined]
    return entry


def entry_for_page(blog_slug: str, entry_slug: str) -> Entry:
    """The entry with its blog (and the blog's cohort), author (and profile) and cohort joined, and
    ``comment_count`` and ``read_count`` annotated; tags come from ``entry_tags``. One query, its SQL compiled
    once per thread (portal.prepared, issue 13); the instances are those select_related would give."""
    rows = prepared("blogs:page-entry", _page_entry, str(blog_slug), str(entry_slug))
    if not rows:
        raise Http404("No such entry.")
    return _entry_from_row(rows[0], Entry.objects.db)


def _entry_tags(entry_id):
    return Tag.objects.filter(entries=entry_id).order_by("name").values_list("pk", "name", "slug")


def entry_tags(entry_id: int) -> list[Tag]:
    """The entry's tags by name (one query, compiled once per thread)."""
    return [Tag(pk=pk, name=name, slug=slug) for pk, name, slug in prepared("blogs:entry-tags", _entry_tags, entry_id)]


def entry_for_edit(pk: int) -> Entry:
    entry = (
        Entry.objects.select_related("blog", "blog__cohort", "author", "author__profile", "cohort")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such entry.")
    return entry


def entry_comments(entry: Entry, *, page: int = 1, per_page: int | None = None) -> tuple[list[Comment], bool]:
    """One page of threads: top-level comments, oldest first, each with all its replies; and whether more
    threads follow. Two queries whatever the number of comments, and a page's size does not grow with them."""
    per_page = per_page or settings.BLOGS_COMMENTS_PER_PAGE
    people = ("author", "author__profile")
    replies = Comment.objects.select_related(*people).order_by("created_at", "pk")
    start = (max(1, page) - 1) * per_page
    threads = list(
        Comment.objects.filter(entry=entry, parent__isnull=True)
        .select_related(*people)
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "pk")[start : start + per_page + 1]
    )
    return threads[:per_page], len(threads) > per_page


_COMMENT_COLUMNS = (
    "pk",
    "parent_id",
    "author_id",
    "body",
    "created_at",
    "edit_count",
    "deleted_at",
    "hidden_at",
    "author__email",
    "author__profile__user",
    "author__profile__display_name",
    "author__profile__avatar_thumb",
)
_COMMENT_NAMES = tuple(column.replace("__", "_") for column in _COMMENT_COLUMNS)
# Pages whose SQL is kept compiled per thread (the LIMIT and OFFSET are part of the SQL text, so each page is
# its own statement); later pages, rarely read, are built as querysets each time (the same SQL, just slower).
_PREPARED_PAGES = 5


class PageComment:
    """One comment of an entry page as plain values (issue 13: no model instances): the Comment fields the page
    shows under their own names, its author's as ``author_…``, and, for a thread, ``replies`` (oldest first)."""

    pk: int
    parent_id: int | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    replies: list[PageComment]

    def __init__(self, row: tuple):
        self.__dict__.update(zip(_COMMENT_NAMES, row, strict=True))

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


def _page_comments(entry_id, *, start: int, stop: int):
    threads = Comment.objects.filter(entry_id=entry_id, parent__isnull=True).order_by("created_at", "pk")
    page = threads.values("pk")[start:stop]
    return (
        Comment.objects.filter(entry_id=entry_id)
        .filter(Q(pk__in=page) | Q(parent_id__in=page))
        .order_by("created_at", "pk")
        .values_list(*_COMMENT_COLUMNS)
    )


def entry_comment_page(entry_id: int, *, page: int = 1, per_page: int | None = None) -> tuple[list[PageComment], bool]:
    """What ``entry_comments`` gives, as plain values in one query: a page of threads (top-level comments,
    oldest first) with ``replies`` (oldest first), and whether more threads follow.

    Guarantees: the same threads, replies and order as ``entry_comments``; one query whatever the number of
    comments; the first pages' SQL is compiled once per thread (portal.prepared), with the entry as argument.
    """
    per_page = per_page or settings.BLOGS_COMMENTS_PER_PAGE
    page = max(1, page)
    start, stop = (page - 1) * per_page, page * per_page + 1  # one thread more: are there more?

    def build(entry_id):
        return _page_comments(entry_id, start=start, stop=stop)

    if page <= _PREPARED_PAGES:
        rows = prepared(f"blogs:entry-comments:{start}:{stop}", build, int(entry_id))
    else:
        rows = list(build(int(entry_id)))
    threads: list[PageComment] = []
    by_pk: dict[int, PageComment] = {}
    replies: list[PageComment] = []
    for row in rows:
        comment = PageComment(row)
        if comment.parent_id is None:
            comment.replies = []
            threads.append(comment)
            by_pk[comment.pk] = comment
        else:
            replies.append(comment)
    for reply in replies:
        if (thread := by_pk.get(cast(int, reply.parent_id))) is not None:
            thread.replies.append(reply)
    return threads[:per_page], len(threads) > per_page


def my_entries(user) -> dict[str, list[Entry]]:
    """The writer's own entries by status (drafts, scheduled, published), for their dashboard."""
    grouped: dict[str, list[Entry]] = {s: [] for s in Entry.Status.values}
    qs = (
        with_counts(Entry.objects.filter(author=user).select_related("blog", "cohort"))
        .prefetch_related("tags")
        .order_by("-modified_at", "-pk")
    )
    for entry in qs:
        grouped[entry.status].append(entry)
    return grouped


def entry_revisions(entry: Entry) -> QuerySet[EntryRevision]:
    return entry.revisions.select_related("editor", "editor__profile").order_by("-number")


def autosave_for(user, entry: Entry | None) -> EntryAutosave | None:
    """The author's working copy if it is newer than the last explicit save."""
    autosave = EntryAutosave.objects.filter(author=user, entry=entry).first()
    if autosave is None:
        return None
    if entry is not None and autosave.saved_at <= entry.modified_at:
        return None
    return autosave


def tag_by_slug(slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag.")
    return tag


def tag_header(user, tag: Tag) -> dict:
    return _follow_counts(TagFollow.objects.filter(tag=tag), "user_id", user)


def author_or_404(user_id: int) -> User:
    author = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if author is None:
        raise Http404("No such person.")
    return author
