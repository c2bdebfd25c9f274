"""The rollup engine against a direct recount of raw activity: days, people, topics, milestones."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from metrics.definitions import ACTOR_COUNTERS, MILESTONE_VERBS, NON_ENGAGEMENT
from metrics.models import (
    Activity,
    ActorFirst,
    DailyActor,
    DailyVerbCount,
    GoalStatus,
    LessonProgress,
    MemberStatus,
    PromptResponse,
    PromptRollup,
    RollupGap,
    SurveyScore,
    TopicResponse,
    WeeklyActor,
)
from metrics.rollup import rollup_run
from portal.people.models import Cohort, Profile, Role
from tests.factories import ActivityFactory, member_of

from .conftest import snapshot_tables

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 5, 20, tzinfo=ZoneInfo("UTC"))


def role_of(actor_id: int, team: set[int]) -> str:
    return "team" if actor_id in team else "leader"


def recount_days() -> tuple[dict, dict]:
    """DailyVerbCount and DailyActor as a person would count them, one activity at a time."""
    departments = dict(Profile.objects.values_list("user_id", "department"))
    team = set(Profile.objects.filter(user__groups__name=Role.FACILITATOR).values_list("user_id", flat=True))
    verbs: dict[tuple, list] = defaultdict(lambda: [0, set()])
    actors: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for a in Activity.objects.all():
        day = a.created_at.astimezone(LONDON).date()
        dims = (day, a.cohort_id, a.management_level, departments.get(a.actor_id, ""), role_of(a.actor_id, team))
        verbs[(*dims, a.verb)][0] += 1
        verbs[(*dims, a.verb)][1].add(a.actor_id)
        counters = actors[(*dims, a.actor_id)]
        if a.verb not in NON_ENGAGEMENT:
            counters["actions"] += 1
        for column, members in ACTOR_COUNTERS.items():
            if a.verb in members:
                counters[column] += 1
    return (
        {key: (n, len(people)) for key, (n, people) in verbs.items()},
        {key: {c: v for c, v in counters.items() if v} for key, counters in actors.items()},
    )


def stored_days() -> tuple[dict, dict]:
    verbs = {
        (r.day, r.cohort_id, r.management_level, r.department, r.role, r.verb): (r.count, r.actors)
        for r in DailyVerbCount.objects.all()
    }
    columns = ["actions", *ACTOR_COUNTERS]
    actors = {
        (r.day, r.cohort_id, r.management_level, r.department, r.role, r.actor_id): {
            c: getattr(r, c) for c in columns if getattr(r, c)
        }
        for r in DailyActor.objects.all()
    }
    return verbs, actors


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_day_tables_equal_a_direct_recount(history, seed):
    org = history(seed)
    org.add(1500, START, 60)
    rollup_run(batch_size=400)
    assert stored_days() == recount_days()
    # The per-week rows agree with the days they hold.
    assert all(r.week == r.day - timedelta(days=r.day.weekday()) for r in DailyActor.objects.all())


@pytest.mark.django_db
def test_rows_that_carry_their_dimensions_roll_up_like_the_recount_and_a_rebuild_agrees(history):
    # metrics.record keeps department and role on every row today; older rows lack them (and the
    # rollup looks theirs up). On PostgreSQL a log without such rows takes a statement of its own.
    org = history(4)
    org.add(900, START, 30)
    departments = dict(Profile.objects.values_list("user_id", "department"))
    team = set(Profile.objects.filter(user__groups__name=Role.FACILITATOR).values_list("user_id", flat=True))
    for actor_id, department in departments.items():
        Activity.objects.filter(actor_id=actor_id).update(department=department, role=role_of(actor_id, team))
    assert not Activity.objects.filter(Q(department__isnull=True) | Q(role="")).exists()
    rollup_run(batch_size=400)
    incremental = snapshot_tables()
    assert stored_days() == recount_days()
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental


@pytest.mark.django_db
def test_late_evening_utc_in_london_summer_counts_for_the_next_local_day(leader, cohort):
    # 23:30 UTC on 10 July is 00:30 on 11 July in London (BST); 23:30 UTC on 10 January is still 10 January.
    ActivityFactory(
        actor=leader,
        cohort=cohort,
        verb="post_created",
        created_at=datetime(2026, 7, 10, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    ActivityFactory(
        actor=leader,
        cohort=cohort,
        verb="post_created",
        created_at=datetime(2026, 1, 10, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    ActivityFactory(
        actor=leader,
        cohort=cohort,
        verb="post_created",
        created_at=datetime(2026, 7, 10, 22, 59, tzinfo=ZoneInfo("UTC")),
    )
    rollup_run()
    days = sorted(DailyVerbCount.objects.values_list("day", "count"))
    assert days == [(date(2026, 1, 10), 1), (date(2026, 7, 10), 1), (date(2026, 7, 11), 1)]


@pytest.mark.django_db
def test_incremental_runs_with_late_rows_equal_a_rebuild(history, watermark):
    org = history(7)
    org.add(600, START, 30)
    rollup_run(batch_size=250)
    # New activity today, and late rows: a new id with a created_at on an old, already rolled-up day.
    org.add(300, START + timedelta(days=30), 5)
    org.add(80, START, 3)
    rollup_run(batch_size=250)
    org.add(120, START + timedelta(days=10), 1)
    incremental_mark = rollup_run(batch_size=1000).watermark
    incremental = snapshot_tables()
    assert stored_days() == recount_days()
    assert rollup_run(rebuild=True).watermark == incremental_mark == watermark()
    assert snapshot_tables() == incremental


@pytest.mark.django_db
def test_running_twice_gives_identical_rows(history):
    org = history(11)
    org.add(500, START, 20)
    first = rollup_run()
    once = snapshot_tables()
    second = rollup_run()
    assert second.processed == 0
    assert snapshot_tables() == once
    assert first.processed == 500


@pytest.mark.django_db
def test_a_crash_mid_batch_leaves_the_tables_and_watermark_as_they_were(history, watermark, monkeypatch):
    org = history(5)
    org.add(300, START, 10)
    rollup_run()
    before, mark = snapshot_tables(), watermark()
    org.add(200, START + timedelta(days=9), 4)

    def boom(*args, **kwargs):
        raise RuntimeError("worker lost mid-batch")

    # Days are rewritten first; the crash happens after that, in the same transaction.
    monkeypatch.setattr("metrics.rollup.engine.refresh_prompts", boom)
    with pytest.raises(RuntimeError):
        rollup_run()
    assert snapshot_tables() == before
    assert watermark() == mark
    monkeypatch.undo()
    rollup_run()
    after_retry = snapshot_tables()
    rollup_run(rebuild=True)
    assert snapshot_tables() == after_retry


@pytest.mark.django_db
def test_an_id_committed_after_the_watermark_passed_it_is_still_counted(leader, cohort, watermark):
    first = ActivityFactory(actor=leader, cohort=cohort, created_at=START)
    # id first+2 commits first (a slower transaction still holds first+1).
    ActivityFactory(id=first.pk + 2, actor=leader, cohort=cohort, created_at=START)
    rollup_run()
    assert watermark() == first.pk + 2
    assert list(RollupGap.objects.values_list("activity_id", flat=True)) == [first.pk + 1]
    assert DailyVerbCount.objects.get().count == 2
    ActivityFactory(id=first.pk + 1, actor=leader, cohort=cohort, created_at=START - timedelta(days=3))
    result = rollup_run()
    assert result.processed == 1
    assert not RollupGap.objects.exists()
    assert sorted(DailyVerbCount.objects.values_list("count", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_forgotten_gaps_expire(leader, cohort, settings):
    settings.METRICS_ROLLUP_GAP_SECONDS = 0
    first = ActivityFactory(actor=leader, cohort=cohort, created_at=START)
    ActivityFactory(id=first.pk + 5, actor=leader, cohort=cohort, created_at=START)
    rollup_run()
    assert RollupGap.objects.count() == 4
    rollup_run()
    assert not RollupGap.objects.exists()


@pytest.mark.django_db
def test_time_to_first_response_and_unanswered_topics(leader, other_leader, cohort):
    topic_type = ContentType.objects.get_for_model(Cohort)
    t0 = START
    ActivityFactory(
        actor=leader, cohort=cohort, verb="topic_created", target_type=topic_type, target_id=1, created_at=t0
    )
    ActivityFactory(
        actor=leader, cohort=cohort, verb="topic_created", target_type=topic_type, target_id=2, created_at=t0
    )
    ActivityFactory(
        actor=other_leader,
        cohort=cohort,
        verb="topic_first_response",
        context_type=topic_type,
        context_id=1,
        target_type=topic_type,
        target_id=99,
        data={"seconds": 5400},
        created_at=t0 + timedelta(seconds=5400),
    )
    rollup_run()
    answered = TopicResponse.objects.get(topic_id=1)
    assert (answered.seconds, answered.responder_id, answered.author_id) == (5400, other_leader.pk, leader.pk)
    assert TopicResponse.objects.get(topic_id=2).seconds is None
    # The answer to topic 2 arrives later and only that topic is recomputed.
    ActivityFactory(
        actor=other_leader,
        cohort=cohort,
        verb="topic_first_response",
        context_type=topic_type,
        context_id=2,
        data={},
        created_at=t0 + timedelta(hours=3),
    )
    rollup_run()
    assert TopicResponse.objects.get(topic_id=2).seconds == 3 * 3600


@pytest.mark.django_db
def test_entity_rollups_equal_a_direct_recount(history):
    org = history(3)
    org.add(2500, START, 45)
    rollup_run(batch_size=700)
    activities = list(Activity.objects.order_by("created_at", "id"))

    firsts = {}
    for a in activities:
        for milestone, verbs in MILESTONE_VERBS.items():
            if a.verb in verbs:
                firsts.setdefault((a.actor_id, milestone), a.created_at.astimezone(LONDON).date())
    assert dict(((f.actor_id, f.milestone), f.day) for f in ActorFirst.objects.all()) == firsts

    created, answered = {}, {}
    for a in activities:
        if a.verb == "topic_created":
            created.setdefault(a.target_id, a)
        if a.verb == "topic_first_response":
            answered.setdefault(a.context_id, a)
    expected = {tid: (answered[tid].data["seconds"] if tid in answered else None) for tid in created}
    assert dict(TopicResponse.objects.values_list("topic_id", "seconds")) == expected

    releases = {}
    for a in activities:
        if a.verb == "prompt_released":
            releases.setdefault(a.target_id, a)
    assert set(PromptRollup.objects.values_list("topic_id", flat=True)) == set(releases)
    replies = defaultdict(int)
    for a in activities:
        if a.verb == "post_created" and a.context_id in releases:
            replies[a.context_id] += 1
    stored = defaultdict(int)
    for r in PromptResponse.objects.select_related("prompt"):
        stored[r.prompt.topic_id] += r.responses
    assert stored == replies

    goals = defaultdict(list)
    for a in activities:
        if a.verb in ("goal_completed", "goal_overdue"):
            goals[(a.actor_id, a.data["goal"])].append(a)
    expected_status = {}
    for key, rows in goals.items():
        done = next((r for r in rows if r.verb == "goal_completed"), None)
        overdue = any(r.verb == "goal_overdue" for r in rows)
        if done is None:
            expected_status[key] = "overdue"
        else:
            # The recorder's own verdict wins (every generated completion carries "late").
            late = done.data["late"] or overdue
            expected_status[key] = "late" if late else "on_time"
    assert {(g.actor_id, g.goal_id): g.status for g in GoalStatus.objects.all()} == expected_status

    lessons = {}
    for a in activities:
        if a.verb == "lesson_completed":
            lessons.setdefault((a.actor_id, a.data["lesson"]), a.created_at.astimezone(LONDON).date())
    stored_lessons = {
        (p.actor_id, p.lesson_id): p.completed_on for p in LessonProgress.objects.filter(completed_on__isnull=False)
    }
    assert stored_lessons == lessons

    answers = {}
    for a in activities:
        if a.verb == "survey_answered":
            for item, score in a.data["scores"].items():
                answers[(a.actor_id, item, a.data["round"])] = score
    stored_scores = {}
    for s in SurveyScore.objects.all():
        if s.before is not None:
            stored_scores[(s.actor_id, s.item_key, "before")] = s.before
        if s.after is not None:
            stored_scores[(s.actor_id, s.item_key, "after")] = s.after
    assert stored_scores == answers


@pytest.mark.django_db
def test_member_status_lists_members_and_outstanding_invitations(cohort, leader):
    from tests.factories import InvitationFactory

    InvitationFactory(cohort=cohort, email="new.person@keystone.example")
    InvitationFactory(cohort=cohort, email="New.Person@keystone.example")  # a second invitation, same person
    InvitationFactory(cohort=cohort, email=leader.email)  # already a member: not counted twice
    ActivityFactory(actor=leader, cohort=cohort, verb="signed_in", created_at=START)
    rollup_run()
    rows = {m.person_key[0]: m for m in MemberStatus.objects.filter(cohort=cohort)}
    assert MemberStatus.objects.filter(cohort=cohort).count() == 2
    assert rows["u"].actor_id == leader.pk
    assert rows["u"].signed_in_on == START.astimezone(LONDON).date()
    assert rows["i"].actor_id is None and rows["i"].signed_in_on is None


@pytest.mark.django_db
def test_a_new_member_appears_without_any_new_activity(cohort, leader):
    rollup_run()
    assert MemberStatus.objects.count() == 1
    member_of(cohort)
    rollup_run()
    assert MemberStatus.objects.count() == 2


@pytest.mark.django_db
def test_rows_without_their_target_are_counted_per_day_but_name_no_topic(leader, cohort):
    # Another app recording a topic or a prompt without its target must not break the rollup.
    ActivityFactory(actor=leader, cohort=cohort, verb="topic_created", created_at=START)
    ActivityFactory(actor=leader, cohort=cohort, verb="prompt_released", created_at=START)
    ActivityFactory(actor=leader, cohort=cohort, verb="topic_first_response", data={"seconds": 60}, created_at=START)
    rollup_run()
    rollup_run(rebuild=True)
    assert not TopicResponse.objects.exists() and not PromptRollup.objects.exists()
    assert DailyVerbCount.objects.filter(verb="topic_created").get().count == 1


@pytest.mark.django_db
def test_the_onboarding_shapes_of_survey_labels_and_goal_verdicts_are_understood(leader, cohort):
    from metrics.models import SurveyItemInfo

    ActivityFactory(
        actor=leader,
        cohort=cohort,
        verb="survey_answered",
        created_at=START,
        data={
            "survey": 3,
            "round": "before",
            "scores": {"11": 4},
            "items": {"11": {"label": "I know what is appropriate to share", "theme": "Judgement"}},
        },
    )
    for goal, on_time in ((1, True), (2, False)):
        ActivityFactory(
            actor=leader,
            cohort=cohort,
            verb="goal_completed",
            created_at=START,
            data={"goal": goal, "stage": "crawl", "deadline": "2026-05-25", "on_time": on_time},
        )
    rollup_run()
    info = SurveyItemInfo.objects.get()
    assert (info.label, info.theme) == ("I know what is appropriate to share", "Judgement")
    assert dict(GoalStatus.objects.values_list("goal_id", "status")) == {1: "on_time", 2: "late"}


@pytest.mark.django_db
def test_goal_and_lesson_facts_are_read_the_same_way_by_every_database(leader, cohort):
    # PostgreSQL computes these in SQL, SQLite in Python: both must read the log as written here.
    day = timedelta(days=1)

    def act(verb, at, **data):
        return ActivityFactory(actor=leader, cohort=cohort, verb=verb, created_at=START + at, data=data)

    act("goal_completed", 3 * day, goal=1, title="Ask for feedback", stage="Walk", deadline="2026-05-21")
    act("goal_overdue", 1 * day, goal=2, title="", stage="run", deadline="2026-05-20T09:00")
    act("goal_completed", 4 * day, goal=2, late=False, title="Late anyway")
    act("goal_completed", 2 * day, goal="3", deadline="2026-02-30", stage="sprint", on_time=True)
    ActivityFactory(actor=leader, cohort=cohort, verb="lesson_started", created_at=START, target_id=7, data={})
    act("lesson_started", 1 * day, lesson=8)
    act("lesson_completed", 5 * day, lesson=8, title="Writing for leaders")
    act("lesson_completed", 6 * day, lesson=8, title="")
    rollup_run()
    local = {n: (START + n * day).astimezone(LONDON).date() for n in range(7)}
    goals = {
        g.goal_id: (g.title, g.stage, g.deadline, g.completed_on, g.overdue_on, g.status)
        for g in GoalStatus.objects.all()
    }
    assert goals == {
        1: ("Ask for feedback", "walk", date(2026, 5, 21), local[3], None, "late"),
        2: ("Late anyway", "run", date(2026, 5, 20), local[4], local[1], "late"),
        3: ("Goal 3", "other", None, local[2], None, "on_time"),
    }
    lessons = {p.lesson_id: (p.title, p.started_on, p.completed_on) for p in LessonProgress.objects.all()}
    assert lessons == {7: ("Lesson 7", local[0], None), 8: ("Writing for leaders", local[1], local[5])}
    incremental = snapshot_tables()
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental


@pytest.mark.django_db
def test_people_per_week_and_per_period_from_person_weeks_equal_a_count_over_person_days(history):
    from django.db.models import Count, Sum

    from metrics.selectors.people_weeks import COUNTERS, per_person, per_week

    org = history(6)
    org.add(1500, START, 40)
    rollup_run(batch_size=500)
    assert WeeklyActor.objects.exists()
    first_day = START.astimezone(LONDON).date()
    # Whole weeks only, a partial week at either end, and a range inside one week.
    for offset, length in ((5, 14), (2, 30), (0, 40), (9, 3), (1, 25)):
        first, end = first_day + timedelta(days=offset), first_day + timedelta(days=offset + length)
        days = DailyActor.objects.filter(day__range=(first, end), role="leader")
        expected = {
            row.pop("actor_id"): row
            for row in days.values("actor_id").annotate(**{c: Sum(c) for c in COUNTERS}).order_by()
        }
        assert per_person(first, end, lambda qs: qs.filter(role="leader")) == expected
        weekly = per_week(
            first,
            end,
            lambda qs: (
                qs.filter(role="leader", actions__gt=0)
                .values("week")
                .annotate(n=Count("actor_id", distinct=True))
                .order_by()
            ),
        )
        expected_weekly = days.filter(actions__gt=0).values("week").annotate(n=Count("actor_id", distinct=True))
        assert sorted((r["week"], r["n"]) for r in weekly) == sorted(
            (r["week"], r["n"]) for r in expected_weekly.order_by()
        )


@pytest.mark.django_db
@pytest.mark.parametrize("incremental", [True, False])
def test_daily_active_summed_over_days_from_person_weeks_equals_a_count_day_by_day(history, incremental):
    """Daily active people (summed over the days of each week) read from the person-weeks' active days equal
    distinct people counted day by day, also for people in two cohorts on one day and a level changed
    mid-week (two rows of the same person-week in one selection: their days are counted once)."""
    from django.db.models import Count

    from metrics.selectors.people_weeks import person_days
    from metrics.selectors.scope import Scope

    org = history(7)
    org.add(1200, START, 35)
    a, b = org.cohorts
    twice = member_of(a, profile__management_level=2)
    first_day = START.astimezone(LONDON).date()
    noon = datetime.combine(first_day, datetime.min.time(), tzinfo=LONDON) + timedelta(hours=12)
    for day in (0, 1, 2, 8, 9):  # the same days in both cohorts: one person-day each, not two
        for cohort in (a, b):
            ActivityFactory(actor=twice, cohort=cohort, verb="signed_in", created_at=noon + timedelta(days=day))
    for day, level in ((14, 2), (15, 3), (16, 3), (16, 2)):  # promoted mid-week, and both levels on day 16
        ActivityFactory(
            actor=twice, cohort=a, verb="post_created", management_level=level, created_at=noon + timedelta(days=day)
        )
    ActivityFactory(actor=twice, cohort=b, verb="followed", created_at=noon + timedelta(days=22))  # not engagement
    if incremental:
        rollup_run(batch_size=400)
    else:
        rollup_run(rebuild=True)
    masks = WeeklyActor.objects.filter(actor_id=twice.pk).values_list("active_mask", flat=True)
    assert any(mask.bit_count() > 1 for mask in masks)
    for offset, length in ((0, 34), (3, 20), (7, 13), (9, 3), (1, 25)):
        first, end = first_day + timedelta(days=offset), first_day + timedelta(days=offset + length)
        for scope in (
            Scope(cohort_ids=None, start=first, end=end),
            Scope(cohort_ids=frozenset({a.pk, b.pk}), start=first, end=end, level=2),
            Scope(cohort_ids=frozenset({a.pk}), start=first, end=end),
        ):
            expected: dict = defaultdict(int)
            for row in (
                scope.dims(DailyActor.objects.filter(day__range=(first, end), actions__gt=0))
                .values("day", "week")
                .annotate(n=Count("actor_id", distinct=True))
                .order_by()
            ):
                expected[row["week"]] += row["n"]
            assert person_days(first, end, scope.dims) == dict(expected), (offset, length, scope)
