"""Reading entries and comments with everything a page needs already joined."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from portal.people.models import Follow, User
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


def follow_header(user, person_id: int) -> dict:
    return _follow_counts(Follow.objects.filter(followee_id=person_id), "follower_id", user)


def blog_header(user, blog: Blog) -> dict:
    """Facts for a blog's head: followers of its owner and whether the reader follows them."""
    if blog.is_cohort or blog.owner_id is None:
        return {"follower_count": None, "is_following": False}
    return follow_header(user, blog.owner_id)


def entry_for_page(blog_slug: str, entry_slug: str) -> Entry:
    entry = (
        with_counts(Entry.objects.select_related("blog", "blog__cohort", "author", "author__profile", "cohort"))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .filter(blog__slug=blog_slug, slug=entry_slug)
        .first()
    )
    if entry is None:
        raise Http404("No such entry.")
    return entry


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
        if (thread := by_pk.get(reply.parent_id)) is not None:
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
