"""Creating blogs: a personal blog with a member's first entry, a cohort blog with its first entry."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from portal.people.models import Cohort, User

from ..models import Blog


def _unique_slug(base: str) -> str:
    base = (slugify(base) or "blog")[:100]
    slug, n = base, 2
    while Blog.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _ensure(lookup: dict, **create) -> Blog:
    """Get the blog matching ``lookup`` or create it; a concurrent creation is joined, not duplicated."""
    blog = Blog.objects.filter(**lookup).first()
    if blog is not None:
        return blog
    try:
        with transaction.atomic():
            return Blog.objects.create(**lookup, **create)
    except IntegrityError:
        return Blog.objects.get(**lookup)


def blog_ensure_personal(*, owner: User) -> Blog:
    """Return the member's personal blog, creating it the first time. Idempotent, also under a race."""
    name = owner.display_name
    return _ensure(
        {"kind": Blog.Kind.PERSONAL, "owner": owner},
        title=f"{name}'s blog",
        slug=_unique_slug(name.split("@")[0]),
    )


def blog_ensure_cohort(*, cohort: Cohort) -> Blog:
    """Return the cohort's blog, creating it the first time. Idempotent, also under a race."""
    return _ensure(
        {"kind": Blog.Kind.COHORT, "cohort": cohort},
        title=f"{cohort.name} cohort blog",
        slug=_unique_slug(f"cohort-{cohort.slug}"),
        description=f"Notes from the facilitators of {cohort.name}.",
    )
