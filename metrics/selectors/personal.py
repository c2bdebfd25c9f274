"""A person's own page: activity, milestones, goals, lessons and survey answers (theirs, so no privacy floor)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min, Sum

from ..models import (
    DailyActor,
    GoalState,
    GoalStatus,
    LessonProgress,
    MemberStatus,
    SurveyInfo,
    SurveyItemInfo,
    SurveyScore,
)
from . import figures as f
from .adoption import FUNNEL, regular_contributors
from .figures import Panel, Series
from .scope import Scope
from .surveys import _key_order

WEEKS = 12


def personal_scope(today: date) -> Scope:
    start = today - timedelta(days=7 * WEEKS - 1)
    return Scope(cohort_ids=None, start=start, end=today, k=0)


def activity(user, scope: Scope) -> Panel:
    rows_qs = (
        DailyActor.objects.filter(actor=user, day__range=(scope.first_week, scope.end))
        .values("week")
        .annotate(
            actions=Sum("actions"),
            contributions=Sum("contributions"),
            reactions=Sum("reactions"),
            lessons=Sum("lessons_completed"),
        )
        .order_by()
    )
    found = {r["week"]: r for r in rows_qs}
    empty = {"actions": 0, "contributions": 0, "reactions": 0, "lessons": 0}
    rows = [
        [f.text(w.isoformat())] + [f.count(found.get(w, empty)[c]) for c in ("actions", "contributions", "reactions")]
        for w in scope.weeks()
    ]
    return Panel(
        slug="me-activity",
        title="Your activity",
        question="What you did each week: everything, and what you wrote (topics, replies, entries, comments).",
        columns=["Week starting", "Things you did", "Things you wrote", "Reactions you gave"],
        rows=rows,
        series=[Series(1), Series(2)],
        y_title="actions",
        definition="active",
    )


def milestones(user, scope: Scope) -> list[dict]:
    fields = [field for field, _ in FUNNEL]
    reached = MemberStatus.objects.filter(actor=user).aggregate(**{field: Min(field) for field in fields})
    items = [{"label": label, "on": reached[field]} for field, label in FUNNEL]
    regular = user.pk in regular_contributors(scope, actor_id=user.pk)
    items.append({"label": "Regular contributor now (wrote in 3 of the last 4 weeks)", "on": None, "now": regular})
    return items


def goals(user) -> Panel:
    labels = dict(GoalState.choices)
    rows = [
        [
            f.text(g.title),
            f.text(g.stage.capitalize()),
            f.text(g.deadline.isoformat() if g.deadline else ""),
            f.text(labels.get(g.status, g.status)),
            f.text(g.completed_on.isoformat() if g.completed_on else ""),
        ]
        for g in GoalStatus.objects.filter(actor=user).order_by("deadline", "goal_id")
    ]
    return Panel(
        slug="me-goals",
        title="Your goals",
        question="Goals you have met, and any whose deadline passed first.",
        columns=["Goal", "Stage", "Deadline", "Status", "Done on"],
        rows=rows,
        note="Goals still in progress, with their progress bars, are on your Learn page.",
        definition="goals",
    )


def lessons(user) -> Panel:
    rows = [
        [
            f.text(p.title),
            f.text(p.started_on.isoformat()),
            f.text(p.completed_on.isoformat() if p.completed_on else "not yet"),
        ]
        for p in LessonProgress.objects.filter(actor=user).order_by("started_on", "lesson_id")
    ]
    return Panel(
        slug="me-lessons",
        title="Your lessons",
        question="Lessons you started and finished.",
        columns=["Lesson", "Started", "Completed"],
        rows=rows,
        definition="lessons",
    )


def survey(user) -> Panel:
    scores = list(SurveyScore.objects.filter(actor=user).order_by("survey_id"))
    survey_ids = {s.survey_id for s in scores}
    titles = dict(SurveyInfo.objects.filter(pk__in=survey_ids).values_list("pk", "title"))
    labels = {(i.survey_id, i.item_key): i.label for i in SurveyItemInfo.objects.filter(survey_id__in=survey_ids)}
    rows = []
    for s in sorted(scores, key=lambda s: (s.survey_id, _key_order(s.item_key))):
        label = labels.get((s.survey_id, s.item_key), f"Item {s.item_key}")
        if len(survey_ids) > 1:
            label = f"{titles.get(s.survey_id, s.survey_id)}: {label}"
        diff = s.after - s.before if s.before is not None and s.after is not None else None
        change = f.Cell(diff, "" if diff is None else f"{diff:+d}")
        rows.append([f.text(label), f.count(s.before), f.count(s.after), change])
    return Panel(
        slug="me-survey",
        title="Your readiness survey",
        question="Your own ratings before and after (only you can see these).",
        columns=["Statement", "Before", "After", "Change"],
        rows=rows,
        series=[Series(1), Series(2)],
        horizontal=True,
        y_title="rating (1-5)",
        value_max=5,
        definition="survey",
    )


def personal_panels(user, scope: Scope) -> dict[str, Panel]:
    return {
        "me-activity": activity(user, scope),
        "me-goals": goals(user),
        "me-lessons": lessons(user),
        "me-survey": survey(user),
    }
