"""The guided first steps: which are done (computed from real data), which are optional, what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django.db.models import Exists, JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from portal.people.models import Membership, User
from portal.prepared import prepared
from portal.prepared_models import prepared_objects

from ..models import (
    CohortOnboarding,
    Curriculum,
    CurriculumItem,
    LessonProgress,
    OnboardingPath,
    PolicyAcknowledgement,
    PolicyVersion,
    Step,
    Survey,
    SurveyResponse,
)
from ..models.path import SKIPPABLE_STEPS
from ..models.surveys import Round
from . import criteria
from .goals import goal_memberships, own_or_default_pk

_UNSET = object()

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
    prompt: object | None = None  # the starter prompt (a forums Topic) the practice step names, if any

    @property
    def next_step(self) -> PathStep | None:
        return next((s for s in self.steps if not s.finished), None)

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


def newest_open_prompt(user: User):
    """The newest starter prompt in one of the person's cohorts that still takes replies (or None).

    A starter prompt is what the practice criterion counts (``criteria.prompt_topic_ids``): a topic
    released from the prompt schedule or opened by a cohort's facilitator. One query (compiled once per
    thread, issue 13). A locked or removed topic is skipped, so the practice step never sends a newcomer to
    a topic they cannot answer.
    """
    found = prepared_objects("onboarding.newest_open_prompt", _newest_open_prompt, user.pk)
    return found[0] if found else None


def _newest_open_prompt(user_id: int):
    from forums.models import Topic

    cohorts = Membership.objects.filter(user_id=user_id).values("cohort_id")
    return Topic.objects.filter(
        board__cohort_id__in=cohorts,
        pk__in=criteria.prompt_topic_ids(),
        is_locked=False,
        is_visible=True,
    ).order_by("-created_at", "-pk")[:1]


def _cohort_facts(cohort_ref, user_ref) -> tuple[dict, dict]:
    """Annotations for what the path needs from a cohort (``cohort_ref``: an expression, or None for no cohort).

    The readiness survey (the cohort's newest own one, else the oldest for every cohort, as
    ``leader_survey_for``), whether the person answered its before round, the optional steps and the
    first published lesson of the curriculum that applies (``curriculum_for_cohort``). The second dict
    refers to the first's ``path_survey_pk``, so apply them in two ``annotate`` calls.
    """
    surveys = Survey.objects.filter(audience=Survey.Audience.LEADERS, is_active=True)
    every = Subquery(surveys.filter(cohort__isnull=True).order_by("created_at", "pk").values("pk")[:1])
    if cohort_ref is None:
        survey_pk: Any = every
        optional: Any = Value(None, output_field=JSONField())
        curriculum_pk = own_or_default_pk(Curriculum.objects.all(), None)
    else:
        own = surveys.filter(cohort_id=cohort_ref).order_by("-created_at", "-pk").values("pk")[:1]
        survey_pk = Coalesce(Subquery(own), every)
        optional = Subquery(
            CohortOnboarding.objects.filter(cohort_id=cohort_ref).order_by("pk").values("optional_steps")[:1],
            output_field=JSONField(),
        )
        # One level deeper (inside the CurriculumItem subquery), so the cohort is the outer query's outer one.
        curriculum_pk = own_or_default_pk(Curriculum.objects.all(), OuterRef(cohort_ref))
    first_lesson = (
        CurriculumItem.objects.filter(curriculum_id=curriculum_pk, lesson__is_published=True)
        .order_by("position")
        .values("lesson__slug")[:1]
    )
    return (
        {"path_survey_pk": survey_pk, "path_optional_steps": optional, "path_first_lesson": Subquery(first_lesson)},
        {
            "path_survey_slug": Subquery(Survey.objects.filter(pk=OuterRef("path_survey_pk")).values("slug")[:1]),
            "path_survey_answered": Exists(
                SurveyResponse.objects.filter(
                    survey_id=OuterRef("path_survey_pk"), respondent_id=user_ref, round=Round.BEFORE
                )
            ),
        },
    )


def path_membership(user: User) -> Membership | None:
    """The person's ``goal_membership`` carrying what the path needs from its cohort (one query).

    Pass it to ``path_state`` and ``my_goals`` when a page shows both (the home page). Compiled once per
    thread (issue 13: building its annotations cost more than the rest of the home page's queries).
    """
    found = prepared_objects("onboarding.path_membership", _path_membership, user.pk)
    return found[0] if found else None


def _path_membership(user_id: int):
    first, second = _cohort_facts(OuterRef("cohort_id"), OuterRef("user_id"))
    return goal_memberships(User(pk=user_id)).annotate(**first).annotate(**second)[:1]


def _practice_reply(user_id: int):
    """One of the person's replies to a starter prompt, if any (what the practice step asks for)."""
    return criteria.reply_to_prompt_activities(criteria.Facts(User(pk=user_id))).values_list("pk")[:1]


def _person_facts(user: User, *, with_cohort_facts: bool) -> Any:
    """One query: the path row, the policy acknowledgement, whether any lesson is complete, and the profile
    when the caller has not read it; the default cohort's facts too for someone in no cohort."""
    profile_cached = User.profile.is_cached(user)
    key = f"onboarding.person_facts.{int(profile_cached)}{int(with_cohort_facts)}"
    build = partial(_person_facts_query, with_profile=not profile_cached, with_cohort_facts=with_cohort_facts)
    (person,) = prepared_objects(key, build, user.pk)
    if not profile_cached and hasattr(person, "profile"):
        user.profile = person.profile  # read once for the whole page
    return person


def _person_facts_query(user_id: int, *, with_profile: bool, with_cohort_facts: bool) -> Any:
    versions = PolicyVersion.objects.order_by("-major", "-minor")
    qs: Any = (
        User.objects.filter(pk=user_id)
        .select_related("onboarding_path")
        .annotate(
            policy_published=Exists(versions),
            # Any version of the current major counts (``current_acknowledgement``).
            policy_acknowledged=Exists(
                PolicyAcknowledgement.objects.filter(
                    user_id=OuterRef("pk"), version__major=Subquery(versions.values("major")[:1])
                )
            ),
            lesson_done=Exists(LessonProgress.objects.filter(user_id=OuterRef("pk"), completed_at__isnull=False)),
        )
    )
    if with_profile:
        qs = qs.select_related("profile")
    if with_cohort_facts:
        first, second = _cohort_facts(None, OuterRef("pk"))
        qs = qs.annotate(**first).annotate(**second)
    return qs


def path_state(user: User, *, membership: Membership | object | None = _UNSET) -> PathState:
    """Where the person is on the path. Steps are done by doing the real thing, not by ticking boxes.

    A fixed number of queries whatever the step: four (the membership with its cohort's facts, the person's
    facts, the practice criterion, the open starter prompt), three when ``membership`` is given.
    ``membership``: from ``path_membership``, when the caller has already read it.
    """
    membership = path_membership(user) if membership is _UNSET else cast("Membership | None", membership)
    person = _person_facts(user, with_cohort_facts=membership is None)
    facts: Any = membership if membership is not None else person
    path: OnboardingPath | None = getattr(person, "onboarding_path", None)
    optional = set(facts.path_optional_steps or ())
    optional &= {str(s) for s in SKIPPABLE_STEPS}
    skipped = set(path.skipped) & optional if path else set()
    survey_slug = facts.path_survey_slug
    survey_done = survey_slug is None or facts.path_survey_answered
    lesson_done = person.lesson_done
    # The practice step is ``reply_to_prompt`` with n=1: met by any reply to a starter prompt (compiled, issue 13).
    practiced = bool(prepared("onboarding.practiced", _practice_reply, user.pk))
    done = {
        Step.WELCOME: bool(path and path.welcome_seen_at),
        Step.SURVEY: survey_done,
        Step.POLICY: not person.policy_published or person.policy_acknowledged,
        Step.PROFILE: user.profile.is_complete,
        Step.LESSON: lesson_done,
        Step.PRACTICE: practiced,
        Step.GOALS: bool(path and path.goals_seen_at),
    }
    # Both looked up whatever the progress, so the page costs the same queries at every step.
    open_prompt = newest_open_prompt(user)
    # With no lesson complete, the next lesson is the curriculum's first published one.
    first_lesson = facts.path_first_lesson
    lesson_url = (
        _url("onboarding:lesson-detail", first_lesson) if first_lesson else _url("onboarding:index") + "#curriculum"
    )
    prompt = None if done[Step.PRACTICE] else open_prompt
    texts = dict(TEXTS)
    if prompt is not None:
        # The step names exactly which prompt, and links to it (issue 17: no guessing).
        texts[Step.PRACTICE] = (
            f"Reply to this week's starter prompt, “{prompt.title}”, in your cohort's board. "
            "The coach checks your draft first."
        )
    urls = {
        Step.WELCOME: _url("onboarding:welcome"),
        Step.SURVEY: _url("onboarding:survey-take", survey_slug, Round.BEFORE) if survey_slug else "",
        Step.POLICY: _url("onboarding:policy"),
        Step.PROFILE: _url("people:profile-edit"),
        Step.LESSON: _url("onboarding:index") + "#curriculum" if lesson_done else lesson_url,
        Step.PRACTICE: prompt.get_absolute_url() if prompt is not None else _url("onboarding:practice"),
        Step.GOALS: _url("onboarding:goals"),
    }
    steps = [
        PathStep(
            key=str(step),
            label=step.label,
            text=texts[step],
            url=urls[step],
            done=done[step],
            optional=str(step) in optional,
            skipped=str(step) in skipped and not done[step],
        )
        for step in Step
    ]
    return PathState(steps=steps, path=path, prompt=prompt)
