"""Writing entries: create, edit, the editor's save (draft, schedule or publish), comment setting, autosave.

Scheduling, publishing and the scheduled-publish job live in ``publishing``; ``entry_save`` is the
editor's single entry point and passes through them (and through the content pipeline).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.text import slugify

import metrics
from metrics.verbs import Verb
from portal.content import pipeline
from portal.images import ProcessedImage
from portal.people import permissions as portal_permissions
from portal.people.models import Cohort, User
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import Blog, Entry, EntryAutosave, EntryRevision, Tag
from ..tagging import parse_tags, tag_slug
from ._common import check_editable, entry_cohort
from .blogs import blog_ensure_cohort, blog_ensure_personal
from .publishing import entry_publish, entry_schedule

ACTIONS = ("save", "schedule", "publish")


# ---------------------------------------------------------------- helpers
def entry_body(raw: str) -> str:
    """Sanitised body HTML; text typed without the editor (no JavaScript) keeps its paragraphs."""
    raw = raw or ""
    if raw.strip() and not raw.lstrip().startswith("<"):
        raw = linebreaks(escape(raw.strip()))
    # Editors and pasted text leave runs of non-breaking spaces that would stop lines wrapping.
    return sanitize(raw).replace("&nbsp;", " ").replace("\u00a0", " ")


def _tags_for(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        slug = tag_slug(name)
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _tags_text(entry: Entry) -> str:
    return ", ".join(sorted(t.name for t in entry.tags.all()))


def entry_search_text(entry: Entry) -> str:
    """What the one search matches an entry on: title, summary, tag names and the body's visible text."""
    return "\n".join(x for x in (entry.title, entry.summary, _tags_text(entry), plain_text(entry.body)) if x)


def _unique_entry_slug(blog: Blog, base: str, exclude_pk: int | None) -> str:
    base = (slugify(base) or "entry")[:100]
    slug, n = base, 2
    taken = Entry.objects.filter(blog=blog).exclude(pk=cast(Any, exclude_pk))
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _resolve_slug(blog: Blog, requested: str, title: str, exclude_pk: int | None) -> str:
    """A slug the writer typed must be free; one we derive from the title is made free."""
    requested = (requested or "").strip()
    if not requested:
        return _unique_entry_slug(blog, title, exclude_pk)
    slug = slugify(requested)
    if not slug or slug != requested.lower():
        raise ValidationError(
            {"slug": "Use lowercase letters, numbers and hyphens only in the web address, e.g. “my-first-post”."}
        )
    if Entry.objects.filter(blog=blog, slug=slug).exclude(pk=cast(Any, exclude_pk)).exists():
        raise ValidationError(
            {"slug": f"You already have an entry at “{slug}” on this blog. Choose another web address."}
        )
    return slug


def _resolve_audience(*, actor: User, blog: Blog, visibility: str, cohort: Cohort | None) -> Cohort | None:
    if visibility not in Entry.Visibility.values:
        raise ValidationError({"visibility": "Choose who can read this entry."})
    if visibility == Entry.Visibility.ORG:
        return None
    if blog.is_cohort:
        return blog.cohort
    if cohort is None:
        raise ValidationError({"cohort": "Choose which of your cohorts can read this entry."})
    if not permissions.audience_cohorts(actor).filter(pk=cohort.pk).exists():
        raise ValidationError({"cohort": "You can limit an entry only to a cohort you belong to."})
    return cohort


def _record_revision(*, entry: Entry, editor: User) -> EntryRevision | None:
    """Keep the saved content; a save that changed nothing adds no revision."""
    last = entry.revisions.order_by("-number").first()
    tags = _tags_text(entry)
    if last and (last.title, last.summary, last.body, last.tags) == (entry.title, entry.summary, entry.body, tags):
        return None
    return EntryRevision.objects.create(
        entry=entry,
        number=(last.number + 1) if last else 1,
        editor=editor,
        title=entry.title,
        summary=entry.summary,
        body=entry.body,
        tags=tags,
        status=entry.status,
    )


def _apply_cover(entry: Entry, cover: ProcessedImage | None, remove_cover: bool) -> bool:
    if cover is not None:
        entry.cover.save(cover.name, cover.full, save=False)
        entry.cover_thumb.save(cover.thumb_name, cover.thumb, save=False)
        return True
    if remove_cover and entry.cover:
        entry.cover = ""
        entry.cover_thumb = ""
        return True
    return False


# ---------------------------------------------------------------- writes
def entry_create(
    *,
    actor: User,
    title: str,
    body: str = "",
    summary: str = "",
    slug: str = "",
    tags: str | list[str] = "",
    blog: Blog | None = None,
    cohort_blog: Cohort | None = None,
    visibility: str = Entry.Visibility.ORG,
    cohort: Cohort | None = None,
    comments_enabled: bool = True,
    cover: ProcessedImage | None = None,
    cover_alt: str = "",
) -> Entry:
    """Create a draft on ``blog``, or on the blog of ``cohort_blog`` (a cohort the writer facilitates),
    or by default on the writer's personal blog; a blog is created with its first entry.

    Guarantees: the body is sanitised; a typed slug that is taken raises a ``slug`` error instead of
    being changed silently; nothing is written unless everything is valid; a first revision is kept.
    """
    if not permissions.can_write(actor):
        raise PermissionDenied("You cannot write blog entries.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give your entry a title (you can change it later)."})
    tag_names = parse_tags(tags) if tags else []
    with transaction.atomic():
        if cohort_blog is not None:
            if not portal_permissions.can_facilitate(actor, cohort_blog):
                raise PermissionDenied("Only the cohort's facilitators write on its blog.")
            blog = blog_ensure_cohort(cohort=cohort_blog)
        if blog is None:
            blog = blog_ensure_personal(owner=actor)
        elif not permissions.can_write_to_blog(actor, blog):
            raise PermissionDenied("You cannot write on this blog.")
        entry = Entry(
            blog=blog,
            author=actor,
            title=title,
            slug=_resolve_slug(blog, slug, title, None),
            summary=(summary or "").strip(),
            body=entry_body(body),
            visibility=visibility,
            cohort=_resolve_audience(actor=actor, blog=blog, visibility=visibility, cohort=cohort),
            comments_enabled=comments_enabled,
            cover_alt=(cover_alt or "").strip(),
        )
        entry.word_count = len(plain_text(entry.body).split())
        _apply_cover(entry, cover, False)
        entry.save()
        entry.tags.set(_tags_for(tag_names))
        entry.search_text = entry_search_text(entry)
        entry.save(update_fields=["search_text"])
        _record_revision(entry=entry, editor=actor)
        EntryAutosave.objects.filter(author=actor, entry__isnull=True).delete()
        metrics.record(actor=actor, verb=Verb.ENTRY_DRAFTED, target=entry, cohort=entry_cohort(entry))
    return entry


def entry_update(
    *,
    actor: User,
    entry: Entry,
    title: str,
    body: str = "",
    summary: str = "",
    slug: str = "",
    tags: str | list[str] = "",
    visibility: str = Entry.Visibility.ORG,
    cohort: Cohort | None = None,
    comments_enabled: bool = True,
    cover: ProcessedImage | None = None,
    remove_cover: bool = False,
    cover_alt: str = "",
) -> Entry:
    """Save new content for an entry, whatever its status.

    Guarantees: only people who may edit it can; the body is sanitised; a revision is kept when the
    content changed; an edit to a published entry marks it "updated" with the time and records
    ENTRY_UPDATED; the author's autosaved working copy is discarded once the save succeeds.
    """
    check_editable(actor, entry)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give your entry a title."})
    tag_names = parse_tags(tags) if tags else []
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("blog").get(pk=entry.pk)
        before = (entry.title, entry.summary, entry.body, _tags_text(entry))
        entry.title = title
        entry.slug = _resolve_slug(entry.blog, slug or entry.slug, title, entry.pk)
        entry.summary = (summary or "").strip()
        entry.body = entry_body(body)
        entry.word_count = len(plain_text(entry.body).split())
        entry.visibility = visibility
        entry.cohort = _resolve_audience(actor=actor, blog=entry.blog, visibility=visibility, cohort=cohort)
        entry.comments_enabled = comments_enabled
        entry.cover_alt = (cover_alt or "").strip()
        cover_changed = _apply_cover(entry, cover, remove_cover)
        entry.tags.set(_tags_for(tag_names))
        content_changed = cover_changed or before != (entry.title, entry.summary, entry.body, _tags_text(entry))
        now = timezone.now()
        entry.modified_at = now
        if entry.is_published and content_changed:
            entry.updated_at = now
        entry.search_text = entry_search_text(entry)
        entry.save()
        _record_revision(entry=entry, editor=actor)
        EntryAutosave.objects.filter(author=actor, entry=entry).delete()
        if entry.is_published and content_changed:
            metrics.record(actor=actor, verb=Verb.ENTRY_UPDATED, target=entry, cohort=entry_cohort(entry))
    return entry


def entry_save(
    *,
    actor: User,
    action: str,
    entry: Entry | None = None,
    publish_at: datetime | None = None,
    post_anyway: bool = False,
    writer: str = "",
    seq: int | None = None,
    **content: Any,
) -> Entry:
    """What the editor's buttons do: save the content, then keep it a draft, schedule it or publish it.

    Guarantees: all or nothing, so a schedule in the past or a failed check leaves the entry exactly
    as it was (the editor keeps the text, and the autosave keeps a copy on the server). ``writer`` and
    ``seq`` name the editor that saved and its count of edits: its autosaves still on their way are stale.
    """
    if action not in ACTIONS:
        raise ValidationError("Unknown action.")
    if action in ("publish", "schedule"):
        # The policy gate and the coach (the content pipeline), before the write so a refusal is still recorded;
        # the scheduled job publishes what the author already confirmed here.
        body = content.get("body", entry.body if entry is not None else "")
        pipeline.publish_check(actor=actor, html=body or "", kind="entry", post_anyway=post_anyway)
    with transaction.atomic():
        if entry is None:
            content.pop("remove_cover", None)
            entry = entry_create(actor=actor, **content)
        else:
            entry = entry_update(actor=actor, entry=entry, **content)
        if writer and seq is not None:
            entry.editor_key, entry.editor_seq = writer[:32], seq
            Entry.objects.filter(pk=entry.pk).update(editor_key=entry.editor_key, editor_seq=seq)
        if action == "schedule":
            entry = entry_schedule(actor=actor, entry=entry, publish_at=publish_at)
        elif action == "publish":
            entry = entry_publish(actor=actor, entry=entry)
    return entry


def entry_comments_set(*, actor: User, entry: Entry, enabled: bool) -> Entry:
    """Turn comments on or off for an entry (existing comments stay visible)."""
    check_editable(actor, entry)
    with transaction.atomic():
        changed = Entry.objects.filter(pk=entry.pk).exclude(comments_enabled=enabled).update(comments_enabled=enabled)
        entry.comments_enabled = enabled
        if changed:
            metrics.record(
                actor=actor,
                verb=Verb.ENTRY_UPDATED,
                target=entry,
                cohort=entry_cohort(entry),
                data={"comments_enabled": enabled},
            )
    return entry


def entry_autosave(
    *,
    actor: User,
    entry: Entry | None = None,
    title: str = "",
    slug: str = "",
    summary: str = "",
    body: str = "",
    tags: str = "",
    writer: str = "",
    seq: int | None = None,
) -> EntryAutosave | None:
    """Keep the editor's unsaved text as the author's working copy (one per entry, one for a new entry).

    Guarantees: never changes the entry itself; the body is sanitised like a real save. Autosave is
    housekeeping, not an action, so it records no activity. ``writer`` names one open editor and ``seq``
    counts its edits: a save that arrives after a newer one from the same editor changes nothing (an
    autosave overtaken by the save made as the page was left); saves from different editors follow each
    other. One that arrives after its editor saved the entry keeps nothing (None): it would bring back
    text the entry already has, or older text.
    """
    if entry is not None:
        check_editable(actor, entry)
    elif not permissions.can_write(actor):
        raise PermissionDenied("You cannot write blog entries.")
    stamp = writer[:32] if seq is not None else ""
    values = {
        "title": (title or "")[:200],
        "slug": (slug or "")[:120],
        "summary": (summary or "")[:300],
        "body": entry_body(body),
        "tags": (tags or "")[:400],
        "saved_at": timezone.now(),
        "writer": stamp,
        "seq": seq or 0,
    }
    if stamp:
        saved = Entry.objects.filter(editor_key=stamp, editor_seq__gte=values["seq"])
        saved = saved.filter(pk=entry.pk) if entry is not None else saved.filter(author=actor)
        if saved.exists():
            return None
    with transaction.atomic():
        current = EntryAutosave.objects.select_for_update().filter(author=actor, entry=entry).first()
        if current is not None and stamp and current.writer == stamp and (seq or 0) <= current.seq:
            return current
        autosave, _ = EntryAutosave.objects.update_or_create(author=actor, entry=entry, defaults=values)
    return autosave


def entry_autosave_discard(*, actor: User, entry: Entry | None = None) -> None:
    """Throw away the author's working copy (the "discard changes" button)."""
    with transaction.atomic():
        EntryAutosave.objects.filter(author=actor, entry=entry).delete()


def entry_search_text_backfill(**_kwargs) -> int:
    """Fill the search text of entries written before it existed (run after migrate; idempotent).

    Guarantees: only entries whose search text is empty are touched; returns how many were filled.
    """
    filled = 0
    for entry in Entry.objects.filter(search_text="").prefetch_related("tags").iterator(chunk_size=500):
        text = entry_search_text(entry)
        if text:
            Entry.objects.filter(pk=entry.pk).update(search_text=text)
            filled += 1
    return filled
