"""Authoring lessons and curricula in the portal; each person's progress through lessons."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

import metrics
from metrics.verbs import Verb
from portal.people.models import Cohort, User
from portal.people.services.people import primary_cohort
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import Curriculum, CurriculumItem, Lesson, LessonProgress, LessonStep
from ..selectors import criteria


def _unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:70] or "lesson"
    slug, n = base, 2
    while Lesson.objects.filter(slug=slug).exclude(pk=cast(Any, exclude_pk)).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def lesson_save(
    *,
    actor: User,
    title: str,
    summary: str,
    steps: list[tuple[str, str]],
    example_html: str = "",
    example_kind: str = "",
    example_title: str = "",
    practice_text: str = "",
    practice_criterion: str = "",
    practice_params: dict | None = None,
    is_published: bool = True,
    lesson: Lesson | None = None,
) -> Lesson:
    """Create or edit a lesson with its ordered steps.

    Guarantees: only lesson authors; every step body and the example are sanitised; at least one
    step with text; a practice task names a registered criterion with valid parameters; the lesson
    and all its steps are saved together or not at all (progress of learners is kept on edits).
    """
    if not permissions.can_author_lessons(actor):
        raise PermissionDenied("You cannot author lessons.")
    errors: dict[str, str] = {}
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        errors["title"] = "Give the lesson a title."
    if not summary:
        errors["summary"] = "Add a one-line summary so learners know what the lesson is about."
    clean_steps: list[tuple[str, str]] = []
    for step_title, body in steps:
        html = sanitize(body or "")
        if not (step_title or "").strip() and not plain_text(html):
            continue  # a blank row in the form
        if not plain_text(html):
            errors["steps"] = f"The step “{step_title.strip()}” has no text."
            continue
        clean_steps.append(((step_title or "").strip() or f"Step {len(clean_steps) + 1}", html))
    if not clean_steps and "steps" not in errors:
        errors["steps"] = "A lesson needs at least one step with text."
    example = sanitize(example_html or "")
    if example and example_kind not in Lesson.ExampleKind.values:
        errors["example_kind"] = "Choose how the example post should appear."
    params: dict = {}
    if practice_criterion:
        try:
            params = criteria.get(practice_criterion).clean_params(practice_params or {})
        except ValidationError as exc:
            errors["practice_criterion"] = exc.messages[0]
        if not (practice_text or "").strip():
            practice_text = (
                criteria.get(practice_criterion).describe(params) if "practice_criterion" not in errors else ""
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        if lesson is None:
            lesson = Lesson(slug=_unique_slug(title), created_by=actor, created_at=now)
        lesson.title, lesson.summary = title[:160], summary[:300]
        lesson.example_html = example
        lesson.example_kind = example_kind if example else ""
        lesson.example_title = (example_title or "").strip()[:160] if example else ""
        lesson.practice_criterion = practice_criterion or ""
        lesson.practice_params = params
        lesson.practice_text = (practice_text or "").strip()[:300] if practice_criterion else ""
        lesson.is_published = is_published
        lesson.updated_at = now
        lesson.save()
        lesson.steps.all().delete()
        LessonStep.objects.bulk_create(
            LessonStep(lesson=lesson, position=i, title=t[:160], body_html=b) for i, (t, b) in enumerate(clean_steps, 1)
        )
    return lesson


def curriculum_set(*, actor: User, cohort: Cohort | None, lesson_ids: list[int]) -> Curriculum:
    """Set the lessons of a cohort's curriculum (or the default one), in the given order.

    Guarantees: only those allowed to edit that cohort's programme; unknown lessons are refused;
    the order is stored exactly; the change is all-or-nothing.
    """
    if not permissions.can_edit_cohort_programme(actor, cohort):
        raise PermissionDenied("You cannot edit this curriculum.")
    ids = list(dict.fromkeys(int(i) for i in lesson_ids))
    known = set(Lesson.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if len(known) != len(ids):
        raise ValidationError("One of the chosen lessons does not exist any more.")
    with transaction.atomic():
        if cohort is None:
            curriculum = Curriculum.objects.filter(cohort__isnull=True).first() or Curriculum.objects.create(
                name="Default curriculum"
            )
        else:
            curriculum, _ = Curriculum.objects.get_or_create(cohort=cohort, defaults={"name": f"{cohort.name} lessons"})
        curriculum.items.all().delete()
        CurriculumItem.objects.bulk_create(
            CurriculumItem(curriculum=curriculum, lesson_id=pk, position=i) for i, pk in enumerate(ids, 1)
        )
    return curriculum


def curriculum_reset(*, actor: User, cohort: Cohort) -> None:
    """Drop a cohort's own curriculum so the default applies again."""
    if not permissions.can_edit_cohort_programme(actor, cohort):
        raise PermissionDenied("You cannot edit this curriculum.")
    with transaction.atomic():
        Curriculum.objects.filter(cohort=cohort).delete()


def lesson_start(*, actor: User, lesson: Lesson) -> LessonProgress:
    """Note that a person opened a lesson (first time: started; afterwards: last visited). Idempotent."""
    now = timezone.now()
    progress = LessonProgress.objects.filter(user=actor, lesson=lesson).first()
    if progress is not None:
        LessonProgress.objects.filter(pk=progress.pk).update(last_visited_at=now)
        return progress
    try:
        with transaction.atomic():
            progress = LessonProgress.objects.create(user=actor, lesson=lesson, started_at=now, last_visited_at=now)
            metrics.record(
                actor=actor,
                verb=Verb.LESSON_STARTED,
                target=lesson,
                cohort=primary_cohort(actor),
                data={"lesson": lesson.pk, "title": lesson.title},
            )
    except IntegrityError:
        progress = LessonProgress.objects.get(user=actor, lesson=lesson)
    return progress


def lesson_complete(*, actor: User, lesson: Lesson) -> LessonProgress:
    """Mark a lesson complete (after reading it). Completing twice keeps the first time; recorded once."""
    lesson_start(actor=actor, lesson=lesson)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(user=actor, lesson=lesson)
        if progress.completed_at is None:
            progress.completed_at = timezone.now()
            progress.save(update_fields=["completed_at"])
            metrics.record(
                actor=actor,
                verb=Verb.LESSON_COMPLETED,
                target=lesson,
                cohort=primary_cohort(actor),
                data={"lesson": lesson.pk, "title": lesson.title},
            )
    return progress


def lesson_practice_refresh(*, user: User) -> int:
    """Mark practice tasks done for lessons the person started whose criterion is now met. Returns how many."""
    rows = list(
        LessonProgress.objects.filter(user=user, practice_done_at__isnull=True)
        .exclude(lesson__practice_criterion="")
        .select_related("lesson")
    )
    if not rows:
        return 0
    facts = criteria.Facts(user)
    done = []
    for row in rows:
        crit = criteria.REGISTRY.get(row.lesson.practice_criterion)
        if crit is None:
            continue
        measure, met_at = crit.measure(facts, row.lesson.practice_params)
        if measure.met:
            row.practice_done_at = met_at() or timezone.now()
            done.append(row)
    if done:
        with transaction.atomic():
            LessonProgress.objects.bulk_update(done, ["practice_done_at"])
    return len(done)
