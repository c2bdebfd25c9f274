"""@mentions shared by the forums and the blogs: find them in sanitised HTML, link them, suggest people.

A mention is written either as plain text, ``@Display Name`` (works without JavaScript; the longest
display name that matches wins), or as a link the autocomplete inserted, ``<a href="/people/12/">@Name</a>``
(unambiguous even when two people share a name). ``link_mentions`` rewrites both into one canonical form::

    <span data-mention="12"><a href="/people/12/">@Lee Leader</a></span>

and returns the ids it linked. Callers pass HTML that ``portal.richtext.sanitize`` already cleaned and
sanitise the result again (the rewrite only adds allow-listed markup; the second pass keeps that a fact).

``autocomplete_response(request, people)`` answers the composer's htmx lookup with a listbox of at most
eight people from ``people`` (the audience that may see the content), so an app exposes it under its own
namespace with its own audience (forums: ``forums:mention-autocomplete``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html, format_html_join

from portal.people.models import Profile, User

MAX_MENTIONS = 20  # per text: more than this is a broadcast, not a mention
MAX_NAME_WORDS = 4
AUTOCOMPLETE_LIMIT = 8

# Tags in sanitised HTML. Attribute values are always double-quoted by the sanitiser, and may contain ">".
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"]|"[^"]*")*)>')
_HREF = re.compile(r'\shref="([^"]*)"')
_MENTION_ATTR = re.compile(r'\sdata-mention="(\d+)"')
# Where an @ may start a mention: at the start or after something that is not part of a word or address.
_AT = re.compile(r"(?:(?<=^)|(?<=[\s(\[\"'>]))@(?=\w)")
_WORD = re.compile(r"\S+")
_TRAILING_PUNCT = ".,;:!?)]}'\""
# Text inside these is never scanned for plain-text mentions.
_SKIP_TAGS = {"a", "code", "pre"}


def profile_url(user_id: int) -> str:
    try:
        return reverse("people:profile", args=[user_id])
    except NoReverseMatch:  # the people pages are not mounted (e.g. a stripped-down test urlconf)
        return f"/people/{user_id}/"


def _profile_url_pattern() -> re.Pattern:
    sample = profile_url(987654321)
    head, _, tail = sample.partition("987654321")
    return re.compile(r"^(?:https?://[^/]+)?" + re.escape(head) + r"(\d+)" + re.escape(tail) + r"$")


@dataclass
class MentionResult:
    html: str
    user_ids: list[int] = field(default_factory=list)  # in order of first appearance, no repeats


def _render(user_id: int, name: str) -> str:
    return format_html('<span data-mention="{}"><a href="{}">@{}</a></span>', user_id, profile_url(user_id), name)


def _candidate_phrases(text: str) -> list[tuple[int, list[tuple[str, int]]]]:
    """For each @ in ``text``: its offset and the phrases after it (lower-cased) with their end offsets."""
    found = []
    for match in _AT.finditer(text):
        start = match.end()
        phrases: list[tuple[str, int]] = []
        words: list[str] = []
        for word in _WORD.finditer(text, start):
            if len(words) >= MAX_NAME_WORDS:
                break
            if word.start() != start and not text[start : word.start()].isspace():
                break
            if "\n" in text[start : word.start()]:
                break
            raw = word.group()
            stripped = raw.rstrip(_TRAILING_PUNCT)
            if "@" in stripped or not stripped:
                break
            words.append(stripped)
            phrases.append((" ".join(words).lower(), word.start() + len(stripped)))
            if stripped != raw:  # punctuation ends a name
                break
            start = word.end()
        if phrases:
            found.append((match.start(), phrases))
    return found


def _resolve(phrases: set[str], audience_ids: set[int] | None) -> dict[str, tuple[int, str]]:
    """Map each lower-cased display name to (user id, display name) when it names exactly one person."""
    if not phrases:
        return {}
    rows = (
        Profile.objects.annotate(lname=Lower("display_name"))
        .filter(lname__in=phrases, user__is_active=True)
        .values_list("lname", "user_id", "display_name")
    )
    by_name: dict[str, list[tuple[int, str]]] = {}
    for lname, user_id, display_name in rows:
        by_name.setdefault(lname, []).append((user_id, display_name))
    resolved = {}
    for lname, people in by_name.items():
        if len(people) > 1 and audience_ids is not None:
            # Two people share the name: the one who can see the content is the one meant.
            people = [p for p in people if p[0] in audience_ids] or people
        if len(people) == 1:
            resolved[lname] = people[0]
    return resolved


def link_mentions(sanitized_html: str, *, audience_ids: set[int] | None = None) -> MentionResult:
    """Link every @mention in ``sanitized_html`` to the person's profile; return the new HTML and the ids.

    Guarantees: text inside links, code and pre is left alone; only people who exist and are active are
    linked; at most ``MAX_MENTIONS`` distinct people; the output contains only markup the sanitiser allows.
    """
    if "@" not in sanitized_html:
        return MentionResult(sanitized_html)
    pieces = split_tags(sanitized_html)
    profile_pattern = _profile_url_pattern()
    ids: list[int] = []

    # Pass 1: explicit mention links (from the autocomplete, or an earlier save) and the plain-text phrases.
    texts: list[tuple[int, str]] = []
    phrases: set[str] = set()
    depth = {name: 0 for name in _SKIP_TAGS}
    explicit: dict[int, int] = {}  # index of an <a> start tag -> user id
    for index, (kind, value, tag) in enumerate(pieces):
        if kind == "tag":
            closing = value.startswith("</")
            if tag in depth:
                depth[tag] += -1 if closing else 1
                depth[tag] = max(depth[tag], 0)
            if tag == "a" and not closing:
                href = _HREF.search(value)
                found = profile_pattern.match(html.unescape(href.group(1))) if href else None
                following = pieces[index + 1] if index + 1 < len(pieces) else None
                if found and following and following[0] == "text" and html.unescape(following[1]).startswith("@"):
                    explicit[index] = int(found.group(1))
        elif not any(depth.values()):
            text = html.unescape(value)
            texts.append((index, text))
            for _, candidates in _candidate_phrases(text):
                phrases.update(phrase for phrase, _ in candidates)

    known = set(User.objects.filter(pk__in=set(explicit.values()), is_active=True).values_list("pk", flat=True))
    resolved = _resolve(phrases, audience_ids)

    def add(user_id: int) -> bool:
        if user_id in ids:
            return True
        if len(ids) >= MAX_MENTIONS:
            return False
        ids.append(user_id)
        return True

    # Pass 2: rewrite. Explicit links keep their text; existing wrappers are dropped and re-made.
    out: list[str] = []
    span_stack: list[bool] = []  # for each open <span>: is it a mention wrapper we dropped?
    text_at = dict(texts)
    index = 0
    while index < len(pieces):
        kind, value, tag = pieces[index]
        if kind == "tag" and tag == "span":
            if value.startswith("</"):
                if span_stack and span_stack.pop():
                    index += 1
                    continue
            else:
                wrapper = bool(_MENTION_ATTR.search(value))
                span_stack.append(wrapper)
                if wrapper:
                    index += 1
                    continue
        if kind == "tag" and index in explicit and explicit[index] in known and add(explicit[index]):
            # <a ...>@Name</a>: consume through the closing </a> and re-render canonically
            end = index + 1
            label = []
            while end < len(pieces) and not (pieces[end][0] == "tag" and pieces[end][2] == "a"):
                if pieces[end][0] == "text":
                    label.append(html.unescape(pieces[end][1]))
                end += 1
            out.append(_render(explicit[index], "".join(label).lstrip("@")))
            index = end + 1
            continue
        out.append(_link_text(text_at[index], resolved, add) if index in text_at else value)
        index += 1
    return MentionResult("".join(out), ids)


def _link_text(text: str, resolved: dict[str, tuple[int, str]], add) -> str:
    result: list[str] = []
    cursor = 0
    for at, candidates in _candidate_phrases(text):
        if at < cursor:
            continue
        for phrase, end in reversed(candidates):  # longest first
            person = resolved.get(phrase)
            if person and add(person[0]):
                result.append(escape(text[cursor:at]))
                result.append(_render(person[0], text[at + 1 : end]))
                cursor = end
                break
    result.append(escape(text[cursor:]))
    return "".join(result)


def split_tags(markup: str) -> list[tuple[str, str, str]]:
    """Split HTML into ("tag", raw, name) and ("text", raw, "") pieces."""
    pieces = []
    cursor = 0
    for match in _TAG.finditer(markup):
        if match.start() > cursor:
            pieces.append(("text", markup[cursor : match.start()], ""))
        pieces.append(("tag", match.group(0), match.group(2).lower()))
        cursor = match.end()
    if cursor < len(markup):
        pieces.append(("text", markup[cursor:], ""))
    return pieces


def mentioned_ids(sanitized_html: str) -> set[int]:
    """The people already linked as mentions in stored HTML (e.g. to notify only newly added ones)."""
    return {int(found) for found in _MENTION_ATTR.findall(sanitized_html or "")}


# ---------------------------------------------------------------------------- autocomplete
def search_people(people: QuerySet[User], query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[User]:
    """People in ``people`` whose display name starts with ``query`` (or has a word that does)."""
    query = " ".join(query.split())[:60]
    if not query:
        return []
    from django.db.models import Q

    matches = (
        people.filter(is_active=True)
        .filter(Q(profile__display_name__istartswith=query) | Q(profile__display_name__icontains=f" {query}"))
        .select_related("profile")
        .order_by("profile__display_name")
        .distinct()[:limit]
    )
    return list(matches)


def autocomplete_response(request: HttpRequest, people: QuerySet[User]) -> HttpResponse:
    """An htmx fragment: a listbox of people matching ``?q=`` for the composer to offer."""
    query = request.GET.get("q", "").lstrip("@")
    found = search_people(people, query)
    if not found:
        body = format_html('<p class="mention-results__empty" role="status">No one called “{}” here.</p>', query)
        return HttpResponse(body if query else "")
    items = format_html_join(
        "",
        '<li role="option" id="mention-option-{}" tabindex="-1" data-mention-id="{}" data-mention-name="{}" '
        'data-mention-url="{}"><span class="mention-results__name">{}</span> '
        '<span class="mention-results__title">{}</span></li>',
        (
            (
                person.pk,
                person.pk,
                person.profile.display_name,
                profile_url(person.pk),
                person.profile.display_name or person.email,
                person.profile.job_title,
            )
            for person in found
        ),
    )
    return HttpResponse(
        format_html('<ul class="mention-results" role="listbox" aria-label="People to mention">{}</ul>', items)
    )
