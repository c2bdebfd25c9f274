"""Demo onboarding: paths, lessons, policy acknowledgements, survey rounds and goals for the fictional
organisation, written through onboarding's services at back-dated moments (``time_machine``).

Runs after forums and blogs (SEED_APPS order), so it can stay consistent with what people already did:
everyone who posted acknowledged the policy before their first post; lesson progress follows each
person's sign-ins; the after round of the readiness survey opens the day after each cohort's last
formal session and the scores that move most belong to the people who took part most; goal progress is
recomputed from the activity history, so completions carry the moment the criterion was really met.
Idempotent: every step checks what exists and writes only what is missing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db.models import Count, Min

from metrics.models import Activity
from metrics.verbs import CONTRIBUTION_VERBS
from onboarding.models import (
    CoachTerm,
    Lesson,
    LessonProgress,
    OnboardingPath,
    PolicyAcknowledgement,
    Survey,
    SurveyResponse,
    SurveyRound,
)
from onboarding.models.surveys import Round
from onboarding.selectors.lessons import curriculum_for_cohort, curriculum_lessons
from onboarding.selectors.policy import current_version

DEMO_BANNED_TERM = "Project Kestrel"
SEED_OFFSET = 6  # onboarding's own random stream, derived from the demo seed


def _travel(when: datetime):
    import time_machine

    return time_machine.travel(when, tick=False)


def seed(org) -> None:
    from django.apps import apps

    from demo.org import DEMO_SEED
    from onboarding.defaults import install

    install(apps)  # the shipped curriculum, policy, surveys and ladder (idempotent; a flushed test DB lacks them)
    rng = random.Random(DEMO_SEED + SEED_OFFSET)  # noqa: S311  (a reproducible demo, not a secret)
    _coach_terms(org)
    _diagnostic(org, rng)
    first_posts = dict(
        Activity.objects.filter(actor__in=org.leaders, verb__in=CONTRIBUTION_VERBS)
        .values_list("actor_id")
        .annotate(first=Min("created_at"))
    )
    counts = dict(
        Activity.objects.filter(actor__in=org.leaders, verb__in=CONTRIBUTION_VERBS)
        .values_list("actor_id")
        .annotate(n=Count("id"))
    )
    rounds = _after_rounds(org)
    for cohort in org.cohorts:
        lessons = curriculum_lessons(curriculum_for_cohort(cohort))
        for leader in org.leaders_by_cohort.get(cohort.pk, []):
            _leader(org, leader, cohort, lessons, first_posts.get(leader.pk), counts.get(leader.pk, 0), rounds)
    _invite_rounds(org)
    _goals(org)


def reset() -> None:
    CoachTerm.objects.filter(list=CoachTerm.List.BANNED, term__iexact=DEMO_BANNED_TERM).delete()


def _coach_terms(org) -> None:
    from onboarding.services.coach import coach_term_add

    if not CoachTerm.objects.filter(list=CoachTerm.List.BANNED, term__iexact=DEMO_BANNED_TERM).exists():
        with _travel(org.day(0, 8)):
            coach_term_add(
                actor=org.admin,
                list=CoachTerm.List.BANNED,
                term=DEMO_BANNED_TERM,
                note="The depot automation project is not announced yet",
            )


def _score(rng: random.Random, base: float) -> int:
    return max(1, min(5, round(base + rng.uniform(-0.8, 0.8))))


def _diagnostic(org, rng: random.Random) -> None:
    """The programme team takes its own readiness diagnostic in the first days."""
    from onboarding.services.surveys import survey_submit

    survey = Survey.objects.filter(slug="programme-readiness-diagnostic").first()
    if survey is None:
        return
    # Strategy and accountability are the demo's gaps; platform support is in place.
    leaning = {"Strategy": 2.0, "Accountability": 2.2, "Measurement": 2.8, "Team fluency": 3.3,
               "Platform and IT support": 4.3, "Forum timing": 3.4}  # fmt: skip
    items = list(survey.items.all())
    for n, person in enumerate([*org.facilitators, org.analyst]):
        if person is None or SurveyResponse.objects.filter(survey=survey, respondent=person).exists():
            continue
        with _travel(org.day(1 + n % 3, 11, 15)):
            survey_submit(
                actor=person,
                survey=survey,
                round=Round.BEFORE,
                scores={i.pk: _score(rng, leaning.get(i.theme, 3)) for i in items},
            )


def _after_rounds(org) -> dict[int, datetime]:
    """Each cohort's after round opens the morning after its last formal session (when that has passed)."""
    from onboarding.services.surveys import survey_round_schedule

    survey = Survey.objects.filter(slug="leader-readiness").first()
    opened = {}
    for cohort in org.cohorts:
        sessions = org.sessions.get(cohort.pk) or list(cohort.sessions.order_by("number"))
        if not sessions or survey is None:
            continue
        opens_at = (sessions[-1].starts_at + timedelta(days=1)).replace(hour=8, minute=0)
        existing = SurveyRound.objects.filter(survey=survey, cohort=cohort, round=Round.AFTER).first()
        if existing is None:
            with _travel(org.day(0, 8, 30)):
                existing = survey_round_schedule(actor=org.admin, survey=survey, cohort=cohort, opens_at=opens_at)
        if existing.opens_at <= org.now:
            opened[cohort.pk] = existing.opens_at
    return opened


def _invite_rounds(org) -> None:
    from onboarding.services.surveys import survey_rounds_open

    for scheduled in SurveyRound.objects.filter(invited_at__isnull=True, opens_at__lte=org.now, cohort__in=org.cohorts):
        with _travel(scheduled.opens_at):
            survey_rounds_open()


def _moments(org, leader, after: datetime, count: int, rng: random.Random) -> list[datetime]:
    """Up to ``count`` of the person's own sign-ins after ``after`` (a few minutes in), in order."""
    times = [t for t in org.sign_ins.get(leader.pk, []) if t > after and t < org.now - timedelta(hours=1)]
    chosen = sorted(rng.sample(times, min(count, len(times)))) if times else []
    return [t + timedelta(minutes=rng.randint(3, 25)) for t in chosen]


def _leader(org, leader, cohort, lessons, first_post, contributions, rounds) -> None:
    """One leader's onboarding. Every random choice is drawn up front from the person's own stream, so a
    second run makes the same choices and, finding the rows in place, writes nothing."""
    from demo.org import DEMO_SEED
    from onboarding.services.lessons import lesson_complete, lesson_start
    from onboarding.services.path import path_mark_seen, path_start
    from onboarding.services.policy import policy_acknowledge
    from onboarding.services.surveys import survey_submit

    rng = random.Random(f"{DEMO_SEED}:{SEED_OFFSET}:{leader.email}")  # noqa: S311
    joined = org.joined.get(leader.pk) or leader.date_joined
    traits = org.traits.get(leader.pk)
    engagement = traits.engagement if traits else 1.0
    survey = Survey.objects.get(slug="leader-readiness")
    items = list(survey.items.all())
    # --- the plan (all random draws, in a fixed order)
    base = 2.0 + 0.5 * (engagement - 1.0) + (0.3 if (traits and traits.level == 1) else 0.0)
    before = {i.pk: _score(rng, base) for i in items}
    answers_before = first_post is not None or rng.random() < 0.85
    acknowledges = first_post is not None or rng.random() < 0.8
    wanted = min(len(lessons), max(1, round(engagement * 2 + contributions / 6)))
    if traits and traits.cohort_index == 2:
        wanted = min(wanted, 2)  # the quiet cohort reads little
    lesson_moments = [joined + timedelta(minutes=20), *_moments(org, leader, joined + timedelta(hours=1), wanted, rng)]
    opens_extra = rng.random() < 0.4
    extra_moment = _moments(org, leader, joined + timedelta(days=2), 1, rng)
    answers_after = rng.random() < 0.45 + min(0.45, contributions / 20)
    lift = 0.3 + min(1.8, contributions / 8)
    after = {k: max(1, min(5, round(v + lift + rng.uniform(-0.6, 0.6)))) for k, v in before.items()}
    opens_at = rounds.get(cohort.pk)
    after_moment = _moments(org, leader, opens_at, 1, rng) if opens_at else []

    # --- the writes, each only if missing
    if not OnboardingPath.objects.filter(user=leader).exists():
        with _travel(joined + timedelta(minutes=2)):
            path_start(user=leader)
            path_mark_seen(user=leader, step="welcome")
    answered = set(SurveyResponse.objects.filter(survey=survey, respondent=leader).values_list("round", flat=True))
    if answers_before and Round.BEFORE not in answered:
        when = joined + timedelta(minutes=8)
        with _travel(when):
            survey_submit(actor=leader, survey=survey, round=Round.BEFORE, scores=before, now=when)
    # Policy: everyone who posted acknowledged before their first post; most of the rest did too.
    version = current_version()
    if acknowledges and version and not PolicyAcknowledgement.objects.filter(user=leader, version=version).exists():
        ack_at = joined + timedelta(minutes=12)
        if first_post is not None and first_post <= ack_at:
            ack_at = max(joined, first_post - timedelta(minutes=5))
        with _travel(ack_at):
            policy_acknowledge(actor=leader)
    # Lessons: the first on the first day; more for keener people and contributors, on their own sign-ins.
    done = set(LessonProgress.objects.filter(user=leader).values_list("lesson_id", flat=True))
    for lesson, when in zip(lessons[:wanted], lesson_moments, strict=False):
        if lesson.pk in done:
            continue
        with _travel(when):
            lesson_start(actor=leader, lesson=lesson)
        with _travel(when + timedelta(minutes=6)):
            lesson_complete(actor=leader, lesson=lesson)
    if opens_extra and len(lessons) > wanted and extra_moment and lessons[wanted].pk not in done:
        with _travel(extra_moment[0]):
            lesson_start(actor=leader, lesson=lessons[wanted])  # opened, not finished
    # After round: those who took part answer more often, and their scores moved more.
    if answers_after and after_moment and Round.AFTER not in answered:
        with _travel(after_moment[0]):
            survey_submit(actor=leader, survey=survey, round=Round.AFTER, scores=after, now=after_moment[0])
    # The goals step, seen on the first day.
    path = OnboardingPath.objects.get(user=leader)
    if path.goals_seen_at is None:
        with _travel(joined + timedelta(minutes=30)):
            path_mark_seen(user=leader, step="goals")


def _goals(org) -> None:
    """Goal progress from the whole history; completion times come from the activity that met each goal."""
    from onboarding.services.goals import goal_overdue_record, goal_progress_update
    from onboarding.services.lessons import lesson_practice_refresh
    from onboarding.services.path import path_complete_if_done

    for leader in org.leaders:
        goal_progress_update(user=leader, now=org.now)
        lesson_practice_refresh(user=leader)
        path_complete_if_done(user=leader)
    goal_overdue_record(now=org.now)


__all__ = ["Lesson", "reset", "seed"]
