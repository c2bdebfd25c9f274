"""One search across the portal: a registry that apps fill at start-up, and the people group of its own.

The portal never imports a feature app (import contracts): forums and blogs register a *provider*
here from their ``AppConfig.ready``. A provider takes the viewer and the cleaned query and returns the
hits the viewer may see, already permission-filtered, ranked and cut to ``limit``, in a fixed number of
queries. The search page shows one group per provider, in ``order``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString

MAX_QUERY_LENGTH = 200
GROUP_LIMIT = 10


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    excerpt: SafeString | str = ""
    meta: str = ""
    when: datetime | None = None


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    hits: list[Hit]
    more_url: str = ""  # a fuller search of this kind, when the provider has one


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    search: Callable[..., list[Hit]]  # search(user, query, terms, *, limit) -> hits
    order: int = 50
    more_url: Callable[[str], str] | None = None


_PROVIDERS: dict[str, Provider] = {}


def register_search(
    key: str,
    label: str,
    search: Callable[..., list[Hit]],
    *,
    order: int = 50,
    more_url: Callable[[str], str] | None = None,
) -> None:
    """Add (or replace, so ``ready`` may run twice) the provider of one group of results."""
    _PROVIDERS[key] = Provider(key=key, label=label, search=search, order=order, more_url=more_url)


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def query_terms(query: str) -> list[str]:
    """Words of two characters or more, at most eight (the same rule as the boards' search)."""
    return [t for t in re.findall(r"\w+", query.lower()) if len(t) > 1][:8]


@dataclass
class Results:
    query: str
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def search_everything(user, raw_query: str | None, *, only: str = "", limit: int = GROUP_LIMIT) -> Results:
    """Every provider's hits for ``raw_query`` as ``user`` may see them, grouped; empty for a blank query.

    Guarantees: a provider sees only a cleaned query with at least one searchable word; a group
    appears even when empty (so the page can say "no people match"); ``only`` limits to one group.
    """
    query = clean_query(raw_query)
    terms = query_terms(query)
    results = Results(query=query)
    if not terms:
        return results
    for provider in providers():
        if only and provider.key != only:
            continue
        hits = provider.search(user, query, terms, limit=limit)
        more = provider.more_url(query) if provider.more_url else ""
        results.groups.append(Group(key=provider.key, label=provider.label, hits=list(hits), more_url=more))
    return results
