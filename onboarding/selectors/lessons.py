"""Reads about lessons: the person's curriculum with progress, one lesson with its practice status."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from portal.people.models import Cohort, User

from ..models import Curriculum, CurriculumItem, Lesson, LessonProgress
from . import criteria
from .goals import goal_cohort, own_or_default


def curriculum_for_cohort(cohort: Cohort | None) -> Curriculum | None:
    """The cohort's own curriculum, else the default one (one query)."""
    return own_or_default(Curriculum.objects.all(), cohort)


def curriculum_lessons(curriculum: Curriculum | None, *, published_only: bool = True) -> list[Lesson]:
    if curriculum is None:
        return []
    items = CurriculumItem.objects.filter(curriculum=curriculum).select_related("lesson").order_by("position")
    return [i.lesson for i in items if i.lesson.is_published or not published_only]


@dataclass
class LessonCard:
    lesson: Lesson
    progress: LessonProgress | None

    @property
    def status(self) -> str:
        if self.progress is None:
            return "not_started"
        return "completed" if self.progress.completed_at else "started"

    @property
    def status_label(self) -> str:
        return {"not_started": "Not started", "started": "In progress", "completed": "Completed"}[self.status]


def learn_page(user: User) -> dict:
    """The curriculum that applies to the person, each lesson with their progress, and other lessons."""
    cohort = goal_cohort(user)
    curriculum = curriculum_for_cohort(cohort)
    lessons = curriculum_lessons(curriculum)
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(user=user)}
    in_curriculum = {lesson.pk for lesson in lessons}
    others = [
        lesson
        for lesson in Lesson.objects.filter(is_published=True).order_by("title")
        if lesson.pk not in in_curriculum
    ]
    cards = [LessonCard(lesson, progress.get(lesson.pk)) for lesson in lessons]
    done = sum(1 for c in cards if c.status == "completed")
    next_card = next((c for c in cards if c.status != "completed"), None)
    return {
        "cohort": cohort,
        "curriculum": curriculum,
        "cards": cards,
        "other_cards": [LessonCard(lesson, progress.get(lesson.pk)) for lesson in others],
        "done_count": done,
        "total": len(cards),
        "percent": round(100 * done / len(cards)) if cards else 0,
        "next_card": next_card,
    }


def lesson_with_steps(slug: str) -> QuerySet[Lesson]:
    return Lesson.objects.filter(slug=slug).prefetch_related("steps")


@dataclass
class Practice:
    text: str
    current: int
    target: int
    done: bool
    action_url: str | None
    action_label: str


def practice_status(user: User, lesson: Lesson, progress: LessonProgress | None) -> Practice | None:
    """Whether the lesson's practice task is done, measured from the person's real activity now."""
    crit = criteria.REGISTRY.get(lesson.practice_criterion) if lesson.practice_criterion else None
    if crit is None:
        return None
    measure, _ = crit.measure(criteria.Facts(user), lesson.practice_params)
    return Practice(
        text=lesson.practice_text or crit.describe(lesson.practice_params),
        current=min(measure.current, measure.target),
        target=measure.target,
        done=measure.met or bool(progress and progress.practice_done_at),
        action_url=crit.action_url,
        action_label=crit.action_label,
    )


def next_lesson(user: User, lesson: Lesson) -> Lesson | None:
    lessons = curriculum_lessons(curriculum_for_cohort(goal_cohort(user)))
    ids = [x.pk for x in lessons]
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        return lessons[ids.index(lesson.pk) + 1]
    return None


def authoring_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("created_by__profile").prefetch_related(
        Prefetch("curricula", queryset=Curriculum.objects.select_related("cohort"))
    )
