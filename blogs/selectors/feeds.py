"""What a person can subscribe to: the feeds behind the Feeds page and the OPML export."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from portal.models import Follow

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
            _sub(b.title, b.get_absolute_url(), "feed-cohort", token, cohort_slug=b.cohort.slug)
            for b in cohort_blogs(user)
        ],
    }
