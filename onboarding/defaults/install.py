"""Install the shipped defaults with whatever model classes the caller passes (historical ones in migrations)."""

from __future__ import annotations

from django.utils import timezone

from .lessons import COACH_RULE_LESSONS, LESSONS, PRIVILEGED_TERMS
from .programme import DIAGNOSTIC_SURVEY, LADDER, LEADER_SURVEY, POLICY

DEFAULT_CURRICULUM_NAME = "Default curriculum"


def _get(apps, name):
    return apps.get_model("onboarding", name)


def install(apps) -> None:
    """Create every default that does not exist yet. Idempotent; never overwrites edited rows."""
    now = timezone.now()
    Lesson, LessonStep = _get(apps, "Lesson"), _get(apps, "LessonStep")
    Curriculum, CurriculumItem = _get(apps, "Curriculum"), _get(apps, "CurriculumItem")
    lessons = {}
    for data in LESSONS:
        lesson, created = Lesson.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "summary": data["summary"],
                "example_kind": data.get("example_kind", ""),
                "example_title": data.get("example_title", ""),
                "example_html": data.get("example_html", "").strip(),
                "practice_text": data.get("practice_text", ""),
                "practice_criterion": data.get("practice_criterion", ""),
                "practice_params": data.get("practice_params", {}),
                "created_at": now,
                "updated_at": now,
            },
        )
        if created:
            for position, (title, body) in enumerate(data["steps"], start=1):
                LessonStep.objects.create(lesson=lesson, position=position, title=title, body_html=body.strip())
        lessons[data["slug"]] = lesson
    curriculum = Curriculum.objects.filter(cohort__isnull=True).first()
    if curriculum is None:
        curriculum = Curriculum.objects.create(name=DEFAULT_CURRICULUM_NAME)
        for position, data in enumerate(LESSONS, start=1):
            CurriculumItem.objects.create(curriculum=curriculum, lesson=lessons[data["slug"]], position=position)

    CoachRule, CoachTerm = _get(apps, "CoachRule"), _get(apps, "CoachTerm")
    for key, slug in COACH_RULE_LESSONS.items():
        CoachRule.objects.get_or_create(key=key, defaults={"lesson": lessons.get(slug), "updated_at": now})
    for term, note in PRIVILEGED_TERMS:
        if not CoachTerm.objects.filter(list="privileged", term__iexact=term).exists():
            CoachTerm.objects.create(list="privileged", term=term, note=note, created_at=now)

    PolicyVersion = _get(apps, "PolicyVersion")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            major=POLICY["major"],
            minor=POLICY["minor"],
            title=POLICY["title"],
            change_summary=POLICY["change_summary"],
            body_html=POLICY["body_html"].strip(),
            published_at=now,
        )

    Survey, SurveyItem = _get(apps, "Survey"), _get(apps, "SurveyItem")
    for data in (LEADER_SURVEY, DIAGNOSTIC_SURVEY):
        survey, created = Survey.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "intro": data["intro"],
                "audience": data["audience"],
                "is_diagnostic": data["is_diagnostic"],
                "created_at": now,
            },
        )
        if created:
            for position, item in enumerate(data["items"], start=1):
                theme, text, *anchors = item
                low, high = anchors if anchors else ("Strongly disagree", "Strongly agree")
                SurveyItem.objects.create(
                    survey=survey, position=position, theme=theme, text=text, low_label=low, high_label=high
                )

    GoalLadder, GoalStage, Goal = _get(apps, "GoalLadder"), _get(apps, "GoalStage"), _get(apps, "Goal")
    if not GoalLadder.objects.filter(cohort__isnull=True).exists():
        ladder = GoalLadder.objects.create(name=LADDER["name"], updated_at=now)
        for kind, title, days, goals in LADDER["stages"]:
            stage = GoalStage.objects.create(ladder=ladder, kind=kind, title=title, deadline_days=days)
            for position, (goal_title, criterion, params) in enumerate(goals, start=1):
                Goal.objects.create(
                    stage=stage, position=position, title=goal_title, criterion=criterion, params=params
                )
