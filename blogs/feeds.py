"""Atom and RSS 2.0 feeds (django.contrib.syndication), reached through a person's secret token.

All content in the portal is for members only, so every feed URL carries the owner's token and shows
exactly what that owner may read (never more); a regenerated token makes the old URLs 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from portal.people.models import Cohort

from . import permissions
from .models import Blog, Entry, FeedToken
from .selectors import entries as entry_selectors
from .selectors import stream
from .services.feeds import feed_use_record


@dataclass
class FeedItem:
    title: str
    url: str
    description: str
    published: datetime
    updated: datetime
    author_name: str
    categories: list[str] = field(default_factory=list)


@dataclass
class Channel:
    title: str
    link: str
    description: str
    feed_url: str
    items: list[FeedItem]


def token_owner(token: str):
    """The active owner of a feed token, or ObjectDoesNotExist (the Feed view turns that into a 404)."""
    found = FeedToken.objects.select_related("user", "user__profile").filter(key=token, user__is_active=True).first()
    if found is None:
        raise ObjectDoesNotExist("Unknown or revoked feed token.")
    return found


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def entry_item(request: HttpRequest, entry: Entry) -> FeedItem:
    body = entry.body.replace('src="/media/', f'src="{_absolute(request, "/media/")}')
    description = f"<p><em>{escape(entry.summary)}</em></p>{body}" if entry.summary else body
    return FeedItem(
        title=entry.title,
        url=_absolute(request, entry.get_absolute_url()),
        description=description,
        published=entry.published_at,
        updated=entry.updated_at or entry.published_at,
        author_name=entry.author.display_name,
        categories=[t.name for t in entry.tags.all()],
    )


def stream_item(request: HttpRequest, item: stream.StreamItem) -> FeedItem:
    if item.kind == "entry":
        return entry_item(request, item.obj)
    obj = item.obj
    return FeedItem(
        title=str(getattr(obj, "title", obj)),
        url=_absolute(request, obj.get_absolute_url()),
        description=escape("; ".join(item.reasons)),
        published=item.when,
        updated=item.when,
        author_name=str(getattr(obj, "author", "")),
    )


class _EntryFeed(Feed):
    """Shared behaviour; subclasses build the channel in ``channel(request, owner, **kwargs)``.

    Plain-text metadata (titles, descriptions, names, tags) is escaped as HTML here, then as XML by the
    feed generator: RSS readers render these elements as HTML, so a display name like
    ``<img src=x onerror=…>`` must arrive as text (Atom titles are declared ``type="html"`` to match).
    """

    def get_object(self, request, token: str, **kwargs) -> Channel:
        owner = token_owner(token).user
        return self.channel(request, owner, token=token, **kwargs)

    def channel(self, request, owner, **kwargs) -> Channel:
        raise NotImplementedError

    def _entries(self, request, qs) -> list[FeedItem]:
        return [entry_item(request, e) for e in qs[: settings.BLOGS_FEED_ITEMS]]

    def title(self, obj: Channel) -> str:
        return escape(obj.title)

    def link(self, obj: Channel) -> str:
        return obj.link

    def description(self, obj: Channel) -> str:
        return escape(obj.description)

    def subtitle(self, obj: Channel) -> str:
        return escape(obj.description)

    def feed_url(self, obj: Channel) -> str:
        return obj.feed_url

    def items(self, obj: Channel) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return escape(item.title)

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.url

    def item_guid(self, item: FeedItem) -> str:
        return item.url

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.published

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.updated

    def item_author_name(self, item: FeedItem) -> str:
        return escape(item.author_name)

    def item_categories(self, item: FeedItem) -> list[str]:
        return [escape(c) for c in item.categories]


class AuthorFeed(_EntryFeed):
    def channel(self, request, owner, *, user_id: int, token: str, fmt: str) -> Channel:
        author = entry_selectors.author_or_404(user_id)
        qs = entry_selectors.visible_entries(owner).filter(author=author)
        return Channel(
            title=f"{author.display_name} · {settings.SITE_NAME}",
            link=_absolute(request, reverse("blogs:author", args=[author.pk])),
            description=f"New blog entries by {author.display_name}.",
            feed_url=request.build_absolute_uri(),
            items=self._entries(request, qs),
        )


class TagFeed(_EntryFeed):
    def channel(self, request, owner, *, slug: str, token: str, fmt: str) -> Channel:
        tag = entry_selectors.tag_by_slug(slug)
        return Channel(
            title=f"Entries tagged {tag.name} · {settings.SITE_NAME}",
            link=_absolute(request, tag.get_absolute_url()),
            description=f"New blog entries tagged “{tag.name}”.",
            feed_url=request.build_absolute_uri(),
            items=self._entries(request, entry_selectors.tag_entries(owner, tag)),
        )


class CohortFeed(_EntryFeed):
    def channel(self, request, owner, *, cohort_slug: str, token: str, fmt: str) -> Channel:
        blog = Blog.objects.filter(kind=Blog.Kind.COHORT, cohort__slug=cohort_slug).select_related("cohort").first()
        if blog is None or not permissions.can_view_blog(owner, blog):
            raise Cohort.DoesNotExist("No cohort blog this person may read.")
        return Channel(
            title=f"{blog.title} · {settings.SITE_NAME}",
            link=_absolute(request, blog.get_absolute_url()),
            description=blog.description or f"The blog of the {blog.cohort.name} cohort.",
            feed_url=request.build_absolute_uri(),
            items=self._entries(request, entry_selectors.blog_entries(owner, blog)),
        )


class OrganisationFeed(_EntryFeed):
    def channel(self, request, owner, *, token: str, fmt: str) -> Channel:
        qs = entry_selectors.visible_entries(owner).filter(visibility=Entry.Visibility.ORG)
        return Channel(
            title=f"All blogs · {settings.SITE_NAME}",
            link=_absolute(request, reverse("blogs:index")),
            description="New blog entries open to everyone in the organisation.",
            feed_url=request.build_absolute_uri(),
            items=self._entries(request, qs),
        )


class PersonalFeed(_EntryFeed):
    """The owner's aggregated feed: the Following stream. Fetching it records FEED_USED once a day."""

    def get_object(self, request, token: str, **kwargs) -> Channel:
        found = token_owner(token)
        feed_use_record(token=found)
        return self.channel(request, found.user, token=token, **kwargs)

    def channel(self, request, owner, *, token: str, fmt: str) -> Channel:
        items, _ = stream.following_stream(owner, size=settings.BLOGS_FEED_ITEMS)
        return Channel(
            title=f"Following · {owner.display_name} · {settings.SITE_NAME}",
            link=_absolute(request, reverse("blogs:following")),
            description="New entries from the people and tags you follow, and new topics in boards you watch.",
            feed_url=request.build_absolute_uri(),
            items=[stream_item(request, i) for i in items],
        )


class _HtmlTitles:
    """Passes every element through, declaring Atom's titles and subtitle ``type="html"``."""

    def __init__(self, handler) -> None:
        self._handler = handler

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in ("title", "subtitle"):
            attrs = {**(attrs or {}), "type": "html"}
        return self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


class HtmlTitledAtom1Feed(Atom1Feed):
    """Atom whose titles, like RSS's, carry escaped HTML (what the feeds above write)."""

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(_HtmlTitles(handler))

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(_HtmlTitles(handler), item)


def _pair(cls) -> dict[str, Feed]:
    atom, rss = type(f"{cls.__name__}Atom", (cls,), {"feed_type": HtmlTitledAtom1Feed}), cls
    return {"atom": atom(), "rss": type(f"{cls.__name__}Rss", (rss,), {"feed_type": Rss201rev2Feed})()}


FEEDS: dict[str, dict[str, Feed]] = {
    "author": _pair(AuthorFeed),
    "tag": _pair(TagFeed),
    "cohort": _pair(CohortFeed),
    "organisation": _pair(OrganisationFeed),
    "personal": _pair(PersonalFeed),
}
