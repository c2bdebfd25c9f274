"""Deep-link targets: what an instructor can place in a course and where a launch of it lands.

A placement carries its target in the content item's custom parameter ``keystone_target``
("board:<slug>", "prompt:<id>", "lesson:<slug>", "dashboard"), so a launch needs no stored state
to know where to go; the pages themselves still check who may see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from forums.models import Board
from onboarding.facilitation.models import ScheduledPrompt
from onboarding.models import Lesson
from portal.people.models import Cohort

CUSTOM_KEY = "keystone_target"


@dataclass(frozen=True)
class Target:
    key: str
    title: str
    kind: str  # board, prompt, lesson, dashboard
    text: str = ""


def choices_for(cohort: Cohort) -> dict[str, list[Target]]:
    """Everything an instructor may place for this cohort, grouped by kind (few queries, no N+1)."""
    boards = [
        Target(f"board:{b.slug}", b.title, "board", b.description)
        for b in Board.objects.filter(cohort=cohort).order_by("position", "title")
    ]
    prompts = [
        Target(f"prompt:{p.pk}", p.title, "prompt", p.board.title)
        for p in ScheduledPrompt.objects.filter(cohort=cohort)
        .exclude(status=ScheduledPrompt.Status.CANCELLED)
        .select_related("board")
        .order_by("release_at", "pk")
    ]
    lessons = [
        Target(f"lesson:{lesson.slug}", lesson.title, "lesson", lesson.summary) for lesson in Lesson.objects.all()
    ]
    dashboard = [Target("dashboard", f"{cohort.name} dashboard", "dashboard", "The cohort's adoption dashboard.")]
    return {"Boards": boards, "Starter prompts": prompts, "Lessons": lessons, "Dashboard": dashboard}


def find(cohort: Cohort, key: str) -> Target | None:
    for group in choices_for(cohort).values():
        for target in group:
            if target.key == key:
                return target
    return None


def url_for(key: str | None, cohort: Cohort | None) -> str:
    """Where a launch of ``key`` lands; unknown or missing targets land on the cohort (or home)."""
    kind, _, value = (key or "").partition(":")
    if kind == "board" and value:
        return reverse("forums:board-detail", args=[value])
    if kind == "prompt" and value.isdigit():
        prompt = ScheduledPrompt.objects.filter(pk=int(value)).select_related("board", "released_topic").first()
        if prompt is not None:
            if prompt.released_topic_id:
                return reverse("forums:topic-detail", args=[prompt.released_topic_id])
            return prompt.board.get_absolute_url()
    if kind == "lesson" and value:
        return reverse("onboarding:lesson-detail", args=[value])
    if kind == "dashboard" and cohort is not None:
        return f"{reverse('metrics:index')}?cohort={cohort.pk}"
    if cohort is not None:
        return cohort.get_absolute_url()
    return reverse("home")
