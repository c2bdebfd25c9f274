"""What a person can subscribe to: the feeds behind the Feeds page and the OPML export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.urls import reverse

from portal.people.models import Cohort, Follow

from ..models import Blog, TagFollow
from .discovery import cohort_blogs


@dataclass
class Subscription:
    label: str
    html_path: str
    atom_path: str
    rss_path: str


def _sub(label: str, html_path: str, name: str, token: str, **kwargs) -> Subscription:
    return Subscription(
        label=label,
        html_path=html_path,
        atom_path=reverse(f"blogs:{name}", kwargs={"token": token, "fmt": "atom", **kwargs}),
        rss_path=reverse(f"blogs:{name}", kwargs={"token": token, "fmt": "rss", **kwargs}),
    )


def subscriptions(user, token: str) -> dict[str, list[Subscription]]:
    """Everything the person follows as feeds, grouped: their own stream, people, tags, cohort blogs."""
    people = (
        Follow.objects.filter(follower=user, followee__is_active=True)
        .select_related("followee__profile")
        .order_by("followee__profile__display_name")
    )
    personal_blogs = {
        b.owner_id: b for b in Blog.objects.filter(kind=Blog.Kind.PERSONAL, owner__in=[f.followee_id for f in people])
    }
    tags = TagFollow.objects.filter(user=user).select_related("tag").order_by("tag__name")
    return {
        "stream": [
            _sub("Everything you follow", reverse("blogs:following"), "feed-personal", token),
            _sub("All organisation-wide entries", reverse("blogs:index"), "feed-org", token),
        ],
        "people": [
            _sub(
                f.followee.display_name,
                personal_blogs[f.followee_id].get_absolute_url()
                if f.followee_id in personal_blogs
                else reverse("blogs:author", args=[f.followee_id]),
                "feed-author",
                token,
                user_id=f.followee_id,
            )
            for f in people
        ],
        "tags": [_sub(t.tag.name, t.tag.get_absolute_url(), "feed-tag", token, slug=t.tag.slug) for t in tags],
        "cohorts": [
            _sub(b.title, b.get_absolute_url(), "feed-cohort", token, cohort_slug=cast(Cohort, b.cohort).slug)
            for b in cohort_blogs(user)
        ],
    }


# ---------------------------------------------------------------- feed autodiscovery (issue 17)
@dataclass(frozen=True)
class Alternate:
    type: str  # application/atom+xml or application/rss+xml
    title: str
    href: str  # absolute, carrying the viewer's own token


def alternate_links(request, token: str, name: str, title: str, **kwargs) -> list[Alternate]:
    """The <link rel="alternate"> pair (Atom, then RSS) for a page whose feed is ``blogs:<name>``.

    The addresses carry the viewer's private token, as Discourse does, so a feed reader given the page's
    address finds a feed that works for that person; no query (the caller already holds the token).
    """
    links = []
    for fmt, mime, label in (("atom", "application/atom+xml", "Atom"), ("rss", "application/rss+xml", "RSS")):
        path = reverse(f"blogs:{name}", kwargs={"token": token, "fmt": fmt, **kwargs})
        links.append(Alternate(type=mime, title=f"{title} ({label})", href=request.build_absolute_uri(path)))
    return links


def blog_alternates(request, token: str, blog: Blog) -> list[Alternate]:
    """A person's blog advertises its author's feed; a cohort blog its cohort's."""
    if blog.is_cohort and blog.cohort_id:
        return alternate_links(request, token, "feed-cohort", blog.title, cohort_slug=cast(Cohort, blog.cohort).slug)
    if blog.owner_id:
        return alternate_links(request, token, "feed-author", blog.title, user_id=blog.owner_id)
    return []
