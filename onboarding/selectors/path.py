"""The guided first steps: which are done (computed from real data), which are optional, what comes next."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from portal.models import User

from .. import criteria
from ..models import CohortOnboarding, LessonProgress, OnboardingPath, Step, SurveyResponse
from ..models.path import SKIPPABLE_STEPS
from ..models.surveys import Round
from .goals import goal_cohort
from .policy import has_acknowledged_current
from .surveys import leader_survey_for

TEXTS = {
    Step.WELCOME: "What Keystone is for and how the next few steps work.",
    Step.SURVEY: "A few quick ratings of how ready you feel. You will see your own before-and-after.",
    Step.POLICY: "Read the social media policy and acknowledge it. You need this before your first post.",
    Step.PROFILE: "Your job title, department and level, so colleagues know who they are talking to.",
    Step.LESSON: "Five minutes on how a discussion board works, with an example.",
    Step.PRACTICE: "Reply to a starter prompt in your cohort's board. The coach checks your draft first.",
    Step.GOALS: "Your crawl, walk and run goals, with their deadlines.",
}


@dataclass
class PathStep:
    key: str
    label: str
    text: str
    url: str
    done: bool
    optional: bool
    skipped: bool

    @property
    def finished(self) -> bool:
        return self.done or self.skipped


@dataclass
class PathState:
    steps: list[PathStep]
    path: OnboardingPath | None

    @property
    def next_step(self) -> PathStep | None:
        return next((s for s in self.steps if not s.finished), None)

    @property
    def next_number(self) -> int:
        """The next step's place on the path, counting from 1 (steps done out of order are skipped over)."""
        nxt = self.next_step
        return self.steps.index(nxt) + 1 if nxt else len(self.steps)

    @property
    def complete(self) -> bool:
        return self.next_step is None

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.finished)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps))


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def path_state(user: User) -> PathState:
    """Where the person is on the path. Steps are done by doing the real thing, not by ticking boxes."""
    path = OnboardingPath.objects.filter(user=user).first()
    cohort = goal_cohort(user)
    optional = set()
    if cohort is not None:
        settings_row = CohortOnboarding.objects.filter(cohort=cohort).first()
        optional = set(settings_row.optional_steps) if settings_row else set()
    optional &= {str(s) for s in SKIPPABLE_STEPS}
    skipped = set(path.skipped) & optional if path else set()
    survey = leader_survey_for(user, cohort)
    survey_done = (
        survey is None or SurveyResponse.objects.filter(survey=survey, respondent=user, round=Round.BEFORE).exists()
    )
    lesson_done = LessonProgress.objects.filter(user=user, completed_at__isnull=False).exists()
    practice_measure, _ = criteria.REGISTRY["reply_to_prompt"].measure(criteria.Facts(user), {"n": 1})
    done = {
        Step.WELCOME: bool(path and path.welcome_seen_at),
        Step.SURVEY: survey_done,
        Step.POLICY: has_acknowledged_current(user),
        Step.PROFILE: user.profile.is_complete,
        Step.LESSON: lesson_done,
        Step.PRACTICE: practice_measure.met,
        Step.GOALS: bool(path and path.goals_seen_at),
    }
    urls = {
        Step.WELCOME: _url("onboarding:welcome"),
        Step.SURVEY: _url("onboarding:survey-take", survey.slug, Round.BEFORE) if survey else "",
        Step.POLICY: _url("onboarding:policy"),
        Step.PROFILE: _url("people:profile-edit"),
        Step.LESSON: _url("onboarding:index") + "#curriculum",
        Step.PRACTICE: _url("onboarding:practice"),
        Step.GOALS: _url("onboarding:goals"),
    }
    steps = [
        PathStep(
            key=str(step),
            label=step.label,
            text=TEXTS[step],
            url=urls[step],
            done=done[step],
            optional=str(step) in optional,
            skipped=str(step) in skipped and not done[step],
        )
        for step in Step
    ]
    return PathState(steps=steps, path=path)
