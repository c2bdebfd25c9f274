"""Reads about surveys: which one a person takes, which rounds are open, own results, the diagnostic."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from portal.people.models import Cohort, User

from ..defaults.programme import THEME_ADVICE
from ..models import Survey, SurveyAnswer, SurveyItem, SurveyResponse, SurveyRound
from ..models.surveys import Round
from .goals import goal_cohort


def leader_survey_for(user: User, cohort: Cohort | None = None) -> Survey | None:
    """The readiness survey for a person: their cohort's own, else the one for every cohort."""
    cohort = cohort if cohort is not None else goal_cohort(user)
    qs = Survey.objects.filter(audience=Survey.Audience.LEADERS, is_active=True)
    if cohort is None:
        return qs.filter(cohort__isnull=True).order_by("created_at").first()
    # One query: the cohort's newest own survey, else the oldest for every cohort (a handful of rows).
    candidates = list(qs.filter(Q(cohort=cohort) | Q(cohort__isnull=True)).order_by("created_at", "pk"))
    own = [s for s in candidates if s.cohort_id is not None]
    if own:
        return max(own, key=lambda s: (s.created_at, s.pk))
    return candidates[0] if candidates else None


def programme_survey() -> Survey | None:
    return (
        Survey.objects.filter(audience=Survey.Audience.PROGRAMME, is_active=True)
        .order_by("-is_diagnostic", "created_at")
        .first()
    )


def survey_with_items(slug: str) -> QuerySet[Survey]:
    return Survey.objects.filter(slug=slug).prefetch_related(
        Prefetch("items", queryset=SurveyItem.objects.order_by("position"))
    )


def round_for(survey: Survey, user: User) -> SurveyRound | None:
    """The scheduled after round that applies to this person (their cohort's, or the programme team's)."""
    if survey.audience == Survey.Audience.PROGRAMME:
        return SurveyRound.objects.filter(survey=survey, cohort__isnull=True, round=Round.AFTER).first()
    cohort = goal_cohort(user)
    if cohort is None:
        return None
    return SurveyRound.objects.filter(survey=survey, cohort=cohort, round=Round.AFTER).first()


def round_is_open(survey: Survey, user: User, round_: str, *, now=None) -> bool:
    if round_ == Round.BEFORE:
        return True
    scheduled = round_for(survey, user)
    return scheduled is not None and scheduled.opens_at <= (now or timezone.now())


def answered_rounds(survey: Survey, user: User) -> dict[str, SurveyResponse]:
    return {r.round: r for r in SurveyResponse.objects.filter(survey=survey, respondent=user)}


@dataclass
class ItemResult:
    item: SurveyItem
    before: int | None = None
    after: int | None = None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def my_results(survey: Survey, user: User) -> list[ItemResult]:
    """The person's own before and after scores per item (nobody else's)."""
    results = {item.pk: ItemResult(item) for item in survey.items.order_by("position")}
    answers = SurveyAnswer.objects.filter(response__survey=survey, response__respondent=user).select_related("response")
    for a in answers:
        row = results.get(a.item_id)
        if row is not None:
            setattr(row, a.response.round, a.score)
    return list(results.values())


@dataclass
class ThemeResult:
    theme: str
    mean: float | None
    items: list[tuple[SurveyItem, float | None]] = field(default_factory=list)
    advice: str = ""

    @property
    def verdict(self) -> str:
        """gap (< 3: not in place), early win (3 to < 4: within reach), strength (4 and above)."""
        if self.mean is None:
            return "unknown"
        if self.mean < 3:
            return "gap"
        if self.mean < 4:
            return "early_win"
        return "strength"

    @property
    def verdict_label(self) -> str:
        return {"gap": "Gap", "early_win": "Early win", "strength": "In place", "unknown": "Not enough answers"}[
            self.verdict
        ]

    @property
    def percent(self) -> int:
        return round((self.mean - 1) / 4 * 100) if self.mean is not None else 0


def diagnostic_results(survey: Survey, round_: str = Round.BEFORE) -> dict:
    """Per theme: the mean agreement, a verdict (gap / early win / in place) and what to do about it.

    Results appear only once ONBOARDING_DIAGNOSTIC_MIN_RESPONSES people have answered the round, so no
    single person's answers can be read off the page.
    """
    responses = SurveyResponse.objects.filter(survey=survey, round=round_)
    count = responses.count()
    minimum = settings.ONBOARDING_DIAGNOSTIC_MIN_RESPONSES
    items = list(survey.items.order_by("position"))
    scores: dict[int, list[int]] = {i.pk: [] for i in items}
    if count >= minimum:
        for item_id, score in SurveyAnswer.objects.filter(response__in=responses).values_list("item_id", "score"):
            scores.setdefault(item_id, []).append(score)
    themes: dict[str, ThemeResult] = {}
    for item in items:
        name = item.theme or "General"
        theme = themes.setdefault(name, ThemeResult(theme=name, mean=None))
        values = scores.get(item.pk) or []
        theme.items.append((item, round(mean(values), 1) if values else None))
    for theme in themes.values():
        means = [m for _, m in theme.items if m is not None]
        theme.mean = round(mean(means), 1) if means else None
        advice = THEME_ADVICE.get(theme.theme, {})
        theme.advice = advice.get("gap" if theme.verdict == "gap" else "win", "") if theme.verdict != "strength" else ""
    ordered = sorted(themes.values(), key=lambda t: (t.mean is None, t.mean or 0))
    return {
        "count": count,
        "minimum": minimum,
        "enough": count >= minimum,
        "themes": ordered,
        "gaps": [t for t in ordered if t.verdict == "gap"],
        "early_wins": [t for t in ordered if t.verdict == "early_win"],
    }
