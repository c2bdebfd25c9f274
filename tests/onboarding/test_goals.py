"""Goals: criteria computed from activity, idempotent recomputation, deadline states, reminders once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

import metrics
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.models import Goal, GoalLadder, GoalProgress, GoalReminder, GoalStage
from onboarding.selectors.goals import State, deadline_instant, goal_state, my_goals, stage_deadline
from onboarding.services.goals import goal_progress_update, goal_reminders_send, goal_save, ladder_for_editing
from portal.notifications.models import Notification
from portal.people.models import Membership
from portal.people.services.people import follow_create
from tests.factories import CohortFactory, FollowFactory, UserFactory, member_of
from tests.factories.forums import BoardFactory, TopicFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def record(actor, verb, **kwargs):
    with transaction.atomic():
        return metrics.record(actor=actor, verb=verb, **kwargs)


def progress_of(user, criterion):
    return GoalProgress.objects.get(user=user, goal__criterion=criterion, goal__stage__ladder__cohort__isnull=True)


@pytest.fixture
def newcomer(cohort):
    return member_of(cohort, profile__display_name="Nia Newcomer", policy_acknowledged=False)


def test_default_ladder_is_shipped():
    ladder = GoalLadder.objects.get(cohort__isnull=True)
    goals = {s.kind: [g.criterion for g in s.goals.order_by("position")] for s in ladder.stages.all()}
    assert goals == {
        "crawl": ["profile_complete", "acknowledge_policy", "follow_colleagues", "reply_to_prompt"],
        "walk": ["follow_bloggers", "start_topics", "comment_entries"],
        "run": ["publish_entries", "use_feed", "replies_from_colleagues"],
    }
    assert Goal.objects.get(stage__ladder=ladder, criterion="follow_colleagues").params == {"n": 10}


def test_follow_goal_counts_follows_and_completes_when_the_nth_follow_happened(newcomer):
    others = [UserFactory() for _ in range(10)]
    start = timezone.now() - timedelta(days=5)
    for i, other in enumerate(others):
        FollowFactory(follower=newcomer, followee=other, created_at=start + timedelta(hours=i))
    FollowFactory(follower=others[0], followee=newcomer)  # being followed does not count
    goal_progress_update(user=newcomer)
    row = progress_of(newcomer, "follow_colleagues")
    assert (row.current, row.target) == (10, 10)
    assert row.completed_at == start + timedelta(hours=9)


def test_profile_and_policy_goals(newcomer):
    from onboarding.services.policy import policy_acknowledge

    newcomer.profile.completed_at = None
    newcomer.profile.save()
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "profile_complete").completed_at is None
    assert progress_of(newcomer, "acknowledge_policy").completed_at is None
    ack = policy_acknowledge(actor=newcomer)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "acknowledge_policy").completed_at == ack.acknowledged_at


def test_reply_to_prompt_counts_replies_to_facilitator_topics_in_own_cohort(cohort, newcomer, facilitator):
    board = BoardFactory(cohort=cohort)
    prompt = TopicFactory(board=board, author=facilitator)
    ordinary = TopicFactory(board=board, author=UserFactory())
    record(facilitator, Verb.TOPIC_CREATED, target=prompt, cohort=cohort)
    record(ordinary.author, Verb.TOPIC_CREATED, target=ordinary, cohort=cohort)
    record(newcomer, Verb.POST_CREATED, target=ordinary.first_post, context=ordinary, cohort=cohort)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "reply_to_prompt").current == 0
    record(newcomer, Verb.POST_CREATED, target=prompt.first_post, context=prompt, cohort=cohort)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "reply_to_prompt").completed_at is not None
    assert progress_of(newcomer, "reply_to_prompt").current == 1


def test_comment_and_publish_goals_count_entries_not_rows(newcomer):
    from tests.factories.blogs import CommentFactory, EntryFactory

    entries = [EntryFactory() for _ in range(2)]
    for entry in [entries[0], entries[0], entries[1]]:
        record(newcomer, Verb.COMMENTED, target=CommentFactory(entry=entry, author=newcomer), context=entry)
    mine = EntryFactory(blog__owner=newcomer)
    record(newcomer, Verb.ENTRY_PUBLISHED, target=mine)
    record(newcomer, Verb.ENTRY_PUBLISHED, target=mine)  # unpublished and published again: still one entry
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "comment_entries").current == 2
    assert progress_of(newcomer, "publish_entries").completed_at is not None
    record(newcomer, Verb.FEED_USED)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "use_feed").completed_at is not None


def test_replies_from_colleagues_counts_distinct_other_people(cohort, newcomer):
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=newcomer)
    record(newcomer, Verb.TOPIC_CREATED, target=topic, cohort=cohort)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for person in (a, a, b, newcomer):
        record(person, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "replies_from_colleagues").current == 2
    record(c, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "replies_from_colleagues").completed_at is not None


def test_follow_bloggers_counts_only_people_who_publish(newcomer):
    from tests.factories.blogs import EntryFactory

    authors = [UserFactory() for _ in range(5)]
    for author in authors:
        record(author, Verb.ENTRY_PUBLISHED, target=EntryFactory(blog__owner=author))
    quiet = UserFactory()
    for person in [*authors[:4], quiet]:
        follow_create(actor=newcomer, followee=person)
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "follow_bloggers").current == 4
    follow_create(actor=newcomer, followee=authors[4])
    goal_progress_update(user=newcomer)
    assert progress_of(newcomer, "follow_bloggers").completed_at is not None


def test_recomputation_is_idempotent_and_goal_completed_recorded_once(newcomer):
    for other in [UserFactory() for _ in range(10)]:
        FollowFactory(follower=newcomer, followee=other)
    first = {(p.goal_id, p.current, p.target, p.completed_at) for p in goal_progress_update(user=newcomer)}
    again = {(p.goal_id, p.current, p.target, p.completed_at) for p in goal_progress_update(user=newcomer)}
    assert first == again
    assert (
        GoalProgress.objects.filter(user=newcomer).count()
        == Goal.objects.filter(stage__ladder__cohort__isnull=True).count()
    )
    completed = Activity.objects.filter(actor=newcomer, verb=Verb.GOAL_COMPLETED)
    done_goals = GoalProgress.objects.filter(user=newcomer, completed_at__isnull=False).count()
    assert completed.count() == done_goals >= 2  # profile (factory completes it) and follows
    row = completed.get(data__criterion="follow_colleagues")
    assert row.data["stage"] == "crawl" and row.data["on_time"] is True


def test_a_goal_once_done_stays_done_after_unfollowing(newcomer):
    others = [UserFactory() for _ in range(10)]
    for other in others:
        FollowFactory(follower=newcomer, followee=other)
    goal_progress_update(user=newcomer)
    done_at = progress_of(newcomer, "follow_colleagues").completed_at
    newcomer.following_set.filter(followee=others[0]).delete()
    goal_progress_update(user=newcomer)
    row = progress_of(newcomer, "follow_colleagues")
    assert row.current == 9 and row.completed_at == done_at


def test_activity_triggers_recomputation_after_commit(newcomer, django_capture_on_commit_callbacks):
    others = [UserFactory() for _ in range(10)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for other in others:
            follow_create(actor=newcomer, followee=other)
    assert callbacks  # goals_refresh enqueued after commit (eager in tests)
    assert progress_of(newcomer, "follow_colleagues").completed_at is not None


def test_rolled_back_activity_triggers_nothing(newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                metrics.record(actor=newcomer, verb=Verb.FOLLOWED)
                raise RuntimeError("write failed")
        except RuntimeError:
            pass
    assert callbacks == []


# ----------------------------------------------------------------------------- deadlines and states
def test_deadline_relative_to_cohort_start_or_absolute():
    cohort = CohortFactory(starts_on=date(2025, 3, 1))
    relative = GoalStage(deadline_days=14)
    absolute = GoalStage(deadline_date=date(2025, 6, 30))
    assert stage_deadline(relative, cohort) == date(2025, 3, 15)
    assert stage_deadline(absolute, cohort) == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("zone", "completed_utc", "expected"),
    [
        # the deadline (10 March) lasts until midnight at its end in the person's own zone
        ("Europe/London", datetime(2025, 3, 10, 23, 30, tzinfo=ZoneInfo("UTC")), State.ON_TIME),
        ("Asia/Tokyo", datetime(2025, 3, 10, 23, 30, tzinfo=ZoneInfo("UTC")), State.LATE),  # 08:30 on the 11th there
        ("America/New_York", datetime(2025, 3, 11, 3, 30, tzinfo=ZoneInfo("UTC")), State.ON_TIME),  # 23:30 on the 10th
        ("Europe/London", datetime(2025, 3, 11, 0, 0, tzinfo=ZoneInfo("UTC")), State.LATE),
    ],
)
def test_done_on_time_or_late_depends_on_the_persons_zone(zone, completed_utc, expected):
    deadline_at = deadline_instant(date(2025, 3, 10), ZoneInfo(zone))
    assert goal_state(completed_at=completed_utc, deadline_at=deadline_at) == expected


def test_pending_then_overdue_across_zones():
    tokyo = deadline_instant(date(2025, 3, 10), ZoneInfo("Asia/Tokyo"))
    london = deadline_instant(date(2025, 3, 10), ZoneInfo("Europe/London"))
    moment = datetime(2025, 3, 10, 16, 0, tzinfo=ZoneInfo("UTC"))  # 01:00 on the 11th in Tokyo
    assert goal_state(completed_at=None, deadline_at=tokyo, now=moment) == State.OVERDUE
    assert goal_state(completed_at=None, deadline_at=london, now=moment) == State.PENDING


def test_my_goals_shows_states_for_the_person(newcomer, cohort):
    cohort.starts_on = timezone.localdate() - timedelta(days=20)  # crawl (14 days) is past, walk is not
    cohort.save()
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() - timedelta(days=20))  # from the start
    stages = {s.stage.kind: s for s in my_goals(newcomer)}
    crawl = {g.goal.criterion: g for g in stages["crawl"].goals}
    assert crawl["follow_colleagues"].state == State.OVERDUE
    assert crawl["profile_complete"].state in (State.PENDING, State.OVERDUE)  # no progress row yet
    assert {g.state for g in stages["walk"].goals} == {State.PENDING}
    newcomer.profile.completed_at = timezone.now() - timedelta(days=18)  # before the crawl deadline
    newcomer.profile.save()
    for other in [UserFactory() for _ in range(10)]:
        FollowFactory(follower=newcomer, followee=other)  # today: after the crawl deadline
    goal_progress_update(user=newcomer)
    crawl = {g.goal.criterion: g for g in {s.stage.kind: s for s in my_goals(newcomer)}["crawl"].goals}
    assert crawl["profile_complete"].state == State.ON_TIME
    assert crawl["follow_colleagues"].state == State.LATE
    assert crawl["reply_to_prompt"].state == State.OVERDUE


# ----------------------------------------------------------------------------- editing ladders
def test_customising_a_cohort_copies_the_default_ladder(cohort, facilitator, other_facilitator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ladder_for_editing(actor=other_facilitator, cohort=cohort)
    ladder = ladder_for_editing(actor=facilitator, cohort=cohort)
    assert ladder.cohort == cohort
    assert Goal.objects.filter(stage__ladder=ladder).count() == 10
    crawl = ladder.stages.get(kind="crawl")
    goal = goal_save(actor=facilitator, stage=crawl, title="", criterion="reply", params={"n": 5})
    assert goal.title == "Reply 5 time(s)"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="from 1 to 500"):
        goal_save(actor=facilitator, stage=crawl, title="x", criterion="reply", params={"n": 0})
    with pytest.raises(ValidationError, match="Unknown criterion"):
        goal_save(actor=facilitator, stage=crawl, title="x", criterion="tweet", params={})
    # the cohort's members now follow the cohort's ladder
    member = member_of(cohort)
    assert {g.goal.criterion for s in my_goals(member) for g in s.goals} >= {"reply"}


# ----------------------------------------------------------------------------- reminders
def test_reminders_go_out_once_per_person_and_stage_before_the_deadline():
    cohort = CohortFactory(starts_on=date(2025, 3, 1))  # crawl due 15 March
    waiting = member_of(cohort, profile__timezone="Europe/London")
    done = member_of(cohort, profile__timezone="Europe/London")
    Membership.objects.filter(cohort=cohort).update(joined_at=datetime(2025, 3, 1, 9, 0, tzinfo=LONDON))
    crawl = GoalStage.objects.get(ladder__cohort__isnull=True, kind="crawl")
    for goal in crawl.goals.all():
        GoalProgress.objects.create(goal=goal, user=done, current=1, target=1, completed_at=timezone.now())
    with time_machine.travel(datetime(2025, 3, 5, 9, 0, tzinfo=LONDON), tick=False):
        assert goal_reminders_send() == 0  # ten days out: too early
    with time_machine.travel(datetime(2025, 3, 13, 9, 0, tzinfo=LONDON), tick=False):
        assert goal_reminders_send() == 1
        assert goal_reminders_send() == 0  # a second run sends nothing
    with time_machine.travel(datetime(2025, 3, 14, 9, 0, tzinfo=LONDON), tick=False):
        assert goal_reminders_send() == 0  # nor does the next day's run
    note = Notification.objects.get(recipient=waiting, event="goal_deadline")
    assert "4 goals left" in note.text and note.url == "/learn/goals/"
    assert not Notification.objects.filter(recipient=done).exists()
    assert GoalReminder.objects.filter(user=waiting, stage=crawl).count() == 1


def test_no_reminder_after_the_deadline_passed():
    cohort = CohortFactory(starts_on=date(2025, 3, 1))
    member_of(cohort)
    with time_machine.travel(datetime(2025, 3, 17, 9, 0, tzinfo=LONDON), tick=False):
        assert goal_reminders_send() == 0


# ----------------------------------------------------------------------------- overdue
def test_overdue_goals_are_recorded_once_at_the_deadline():
    from onboarding.services.goals import goal_overdue_record

    cohort = CohortFactory(starts_on=date(2025, 3, 1))  # crawl due 15 March (London)
    idle = member_of(cohort, profile__timezone="Europe/London", policy_acknowledged=False)
    busy = member_of(cohort, profile__timezone="Europe/London")
    Membership.objects.filter(cohort=cohort).update(joined_at=datetime(2025, 3, 1, 9, 0, tzinfo=LONDON))
    others = [UserFactory() for _ in range(10)]
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=LONDON), tick=False):
        for other in others:  # met before the deadline, but nobody recomputed yet
            FollowFactory(follower=busy, followee=other, created_at=timezone.now())
    with time_machine.travel(datetime(2025, 3, 15, 20, 0, tzinfo=LONDON), tick=False):
        assert goal_overdue_record() == 0  # the deadline has not passed yet
    with time_machine.travel(datetime(2025, 3, 16, 9, 0, tzinfo=LONDON), tick=False):
        first = goal_overdue_record()
        assert goal_overdue_record() == 0  # a second run records nothing
    overdue = Activity.objects.filter(verb=Verb.GOAL_OVERDUE)
    by_person = {(a.actor_id, a.data["title"]) for a in overdue}
    # idle: policy and reply goals missed (the factory completed the profile, but not today's follow goal)
    assert (idle.pk, "Acknowledge the social media policy") in by_person
    assert (idle.pk, "Connect with 10 colleagues") in by_person
    assert (busy.pk, "Connect with 10 colleagues") not in by_person  # met before the deadline
    assert (busy.pk, "Reply to a starter prompt") in by_person
    assert first == overdue.count()
    row = overdue.filter(actor=idle).first()
    assert row.created_at == datetime(2025, 3, 16, 0, 0, tzinfo=LONDON)
    assert row.data["stage"] == "crawl" and row.data["deadline"] == "2025-03-15"
