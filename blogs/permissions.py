"""Who may read, write, comment on and moderate blog content. Views call these; templates get booleans.

Reading: every signed-in person reads organisation-wide entries; entries limited to a cohort are read by
that cohort's members and facilitators, analysts (read-only programme staff) and admins. Drafts and
scheduled entries are seen only by whoever may edit them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.people import permissions as portal_permissions
from portal.people.models import Cohort, Membership, Role, User

from .models import Blog, Comment, Entry


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def reads_everything(user) -> bool:
    """Admins and analysts read every published entry (analysts never write or moderate)."""
    return portal_permissions.is_admin(user) or portal_permissions.is_analyst(user)


def visible_entries_q(user, prefix: str = "") -> Q:
    """A filter for published entries ``user`` may read; ``prefix`` reaches entries through a relation."""
    p = prefix
    published = Q(**{f"{p}status": Entry.Status.PUBLISHED})
    if not _authenticated(user):
        return Q(pk__in=[])
    if reads_everything(user):
        return published
    cohorts = portal_permissions.member_cohort_ids(user)
    return published & (Q(**{f"{p}visibility": Entry.Visibility.ORG}) | Q(**{f"{p}cohort_id__in": cohorts}))


def filter_visible_entries(user, qs: QuerySet[Entry]) -> QuerySet[Entry]:
    return qs.filter(visible_entries_q(user))


def can_view_cohort_content(user, cohort_id: int | None) -> bool:
    if cohort_id is None:
        return _authenticated(user)
    return _authenticated(user) and (reads_everything(user) or cohort_id in portal_permissions.member_cohort_ids(user))


def can_view_entry(user, entry: Entry) -> bool:
    if not _authenticated(user):
        return False
    if not entry.is_published:
        return can_edit_entry(user, entry)
    if entry.visibility == Entry.Visibility.COHORT:
        return can_view_cohort_content(user, entry.cohort_id)
    return True


def entry_audience(entry: Entry) -> QuerySet[User]:
    """Everyone who may read ``entry`` (for @mention suggestions and checks in bulk)."""
    people = User.objects.filter(is_active=True)
    if entry.visibility != Entry.Visibility.COHORT:
        return people
    members = Membership.objects.filter(cohort_id=entry.cohort_id).values("user_id")
    return people.filter(
        Q(pk__in=members) | Q(is_superuser=True) | Q(groups__name__in=[Role.ADMIN, Role.ANALYST])
    ).distinct()


def can_view_blog(user, blog: Blog) -> bool:
    """Cohort blogs are read by their cohort; personal blogs by everyone signed in (entries filter further)."""
    if blog.is_cohort:
        return can_view_cohort_content(user, blog.cohort_id)
    return _authenticated(user)


def can_write(user) -> bool:
    """Everyone signed in may keep a personal blog, programme staff included (their taking part is measured)."""
    return _authenticated(user)


def can_write_to_blog(user, blog: Blog) -> bool:
    if not can_write(user):
        return False
    if blog.is_cohort:
        return portal_permissions.can_facilitate(user, blog.cohort_id)
    return blog.owner_id == user.pk


def writable_cohorts(user) -> QuerySet[Cohort]:
    """Cohort blogs this person may write to (those they facilitate; admins: all)."""
    return portal_permissions.invitable_cohorts(user) if can_write(user) else Cohort.objects.none()


def audience_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts an entry of this author may be limited to: the cohorts the author belongs to."""
    return Cohort.objects.filter(pk__in=portal_permissions.member_cohort_ids(user))


def can_edit_entry(user, entry: Entry) -> bool:
    """The author edits their entries; a cohort blog's facilitators edit its entries; admins edit all."""
    if not can_write(user):
        return False
    if entry.author_id == user.pk or portal_permissions.is_admin(user):
        return True
    blog = entry.blog
    return blog.is_cohort and portal_permissions.can_facilitate(user, blog.cohort_id)


def _moderates_author(user, author_id: int) -> bool:
    """A facilitator moderates content by members of the cohorts they facilitate."""
    facilitated = portal_permissions.facilitated_cohort_ids(user)
    if not facilitated or not portal_permissions.is_facilitator(user):
        return False
    return Membership.objects.filter(user_id=author_id, cohort_id__in=facilitated).exists()


def can_moderate_entry(user, entry: Entry) -> bool:
    """Hide comments and handle flags on an entry: admins, and facilitators of the entry's cohort."""
    if not _authenticated(user):
        return False
    if portal_permissions.is_admin(user):
        return True
    cohort_id = entry.cohort_id or entry.blog.cohort_id
    if cohort_id is not None:
        return portal_permissions.can_facilitate(user, cohort_id)
    return _moderates_author(user, entry.author_id)


def can_comment(user, entry: Entry) -> bool:
    return can_write(user) and entry.is_published and entry.comments_enabled and can_view_entry(user, entry)


def can_delete_comment(user, comment: Comment) -> bool:
    if not _authenticated(user) or comment.deleted_at is not None:
        return False
    return comment.author_id == user.pk or can_moderate_entry(user, comment.entry)


def can_edit_comment(user, comment: Comment) -> bool:
    """Writers edit their own comments while they are visible and they can still read the entry (issue 17)."""
    return (
        _authenticated(user)
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and comment.hidden_at is None
        and can_view_entry(user, comment.entry)
    )


def can_view_comment(user, comment: Comment) -> bool:
    return can_view_entry(user, comment.entry)


def can_follow_tags(user) -> bool:
    return _authenticated(user)


def cover_readable(user, name: str) -> bool:
    """Whether the stored cover image ``name`` (or its thumbnail) may be sent to ``user`` (protected media)."""
    from django.db.models import Q

    if not user.is_authenticated:
        return False
    entry = Entry.objects.select_related("blog", "author").filter(Q(cover=name) | Q(cover_thumb=name)).first()
    return entry is not None and can_view_entry(user, entry)
