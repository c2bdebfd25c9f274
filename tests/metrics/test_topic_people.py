"""TopicPeople: at most TOPIC_PEOPLE_KEPT people per week (and day), row group and kind of topic person.

The responsiveness panel and the headline's topic figures decide what to hide from the people behind the
topics of every row group (authors, first responders, authors left unanswered). They read those people
from TopicPeople, cut to the lowest TOPIC_PEOPLE_KEPT ids, instead of every topic. Checked here: the rows
are the cut sets of what TopicResponse holds (after an incremental rollup, a rebuild and the migration),
and every cell of those panels, in every selection, for floors up to TOPIC_PEOPLE_KEPT and ranges that
start and end inside a week, is the one the full sets give (read from every topic, as above the floor).
Also: the percentiles read on PostgreSQL equal the Python ones on the edge cases.
"""

from __future__ import annotations

import random
import types
from collections import defaultdict
from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics import disclosure
from metrics.models import TOPIC_PEOPLE_KEPT, Activity, TopicPeople, TopicResponse
from metrics.rollup import rollup_run
from metrics.selectors import engagement, headline
from metrics.selectors.scope import Scope
from portal.people.models import Cohort, Membership
from tests.factories import ActivityFactory, CohortFactory, member_of
from tests.factories.metrics import history_rows

from .conftest import snapshot_tables

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 4, 8, tzinfo=LONDON)  # a Wednesday
# (level, department, people) per cohort: groups well above TOPIC_PEOPLE_KEPT beside groups of one to a few.
GROUPS = [
    [(2, "Operations", 16), (1, "Finance", 3), (3, "Operations", 6)],
    [(2, "Operations", 12), (3, "Finance", 2), (1, "Operations", 1)],
]


def _organisation(*, incremental: bool = True) -> None:
    rng = random.Random(7)
    actors = []
    for groups in GROUPS:
        cohort = CohortFactory()
        for level, department, n in groups:
            for _ in range(n):
                person = member_of(cohort, profile__management_level=level, profile__department=department)
                actors.append((person.pk, cohort.pk, level))
    Membership.objects.update(joined_at=datetime(2026, 1, 1, tzinfo=LONDON))
    topic_type = ContentType.objects.get_for_model(Cohort)
    Activity.objects.bulk_create(
        history_rows(rng=rng, n=4000, actors=actors, start=START, days=24, topic_type=topic_type)
    )
    # Two busy days, inside the ranges' partial first and last weeks: more authors and responders in the
    # largest group than a row keeps.
    busy = [a for a in actors if a[1] == actors[0][1] and a[2] == 2]
    topic = 50_000
    for day in (datetime(2026, 3, 5, 9, tzinfo=LONDON), datetime(2026, 3, 25, 9, tzinfo=LONDON)):
        for i, (author, cohort_id, level) in enumerate(busy[:14]):
            topic += 1
            at = day + timedelta(minutes=i)
            Activity.objects.create(
                actor_id=author,
                cohort_id=cohort_id,
                management_level=level,
                verb="topic_created",
                target_type=topic_type,
                target_id=topic,
                created_at=at,
            )
            if i < 12:
                Activity.objects.create(
                    actor_id=busy[(i + 3) % len(busy)][0],
                    cohort_id=cohort_id,
                    management_level=level,
                    verb="topic_first_response",
                    context_type=topic_type,
                    context_id=topic,
                    data={"seconds": 600 * (i + 1)},
                    created_at=at + timedelta(seconds=600 * (i + 1)),
                )
    if incremental:
        rollup_run(batch_size=700)
    else:
        rollup_run(rebuild=True)


def _full_sets() -> dict[tuple, set]:
    """Per (week, day or None, kind, cohort, level, department, role): every person, from TopicResponse."""
    found: dict[tuple, set] = defaultdict(set)
    for t in TopicResponse.objects.all():
        dims = (t.cohort_id, t.management_level, t.department, t.role)
        second = ("responder", t.responder_id) if t.seconds is not None else ("unanswered", t.author_id)
        for kind, person in (("author", t.author_id), second):
            for day in (None, t.created_on):
                found[(t.week, day, kind, *dims)].add(person)
    return found


def _stored() -> dict[tuple, list]:
    return {
        (r.week, r.day, r.kind, r.cohort_id, r.management_level, r.department, r.role): r.people
        for r in TopicPeople.objects.all()
    }


@pytest.mark.django_db
def test_the_rollup_keeps_the_lowest_ids_up_to_the_cap_and_everyone_when_fewer():
    _organisation()
    full = _full_sets()
    assert _stored() == {key: sorted(people)[:TOPIC_PEOPLE_KEPT] for key, people in full.items()}
    # Both cases occur, at both grains: sets cut to the cap, and sets kept whole below it.
    cut = {key[1] is None for key, people in full.items() if len(people) > TOPIC_PEOPLE_KEPT}
    whole = {key[1] is None for key, people in full.items() if 1 < len(people) < TOPIC_PEOPLE_KEPT}
    assert cut == whole == {True, False}


@pytest.mark.django_db
def test_a_rebuild_gives_the_rows_the_incremental_rollup_gives():
    _organisation(incremental=True)
    incremental = snapshot_tables()["TopicPeople"]
    rollup_run(rebuild=True)
    assert snapshot_tables()["TopicPeople"] == incremental


@pytest.mark.django_db
def test_a_topic_moving_to_another_week_and_group_leaves_no_rows_behind():
    _organisation()
    topic = TopicResponse.objects.filter(seconds__isnull=True).order_by("created_at").last()
    other = TopicResponse.objects.exclude(cohort_id=topic.cohort_id).exclude(management_level=topic.management_level)
    author = other.first()
    # A creation of the same topic by someone in another cohort and level, recorded late, three weeks
    # earlier: the topic now belongs to that week and that person's row group.
    Activity.objects.create(
        actor_id=author.author_id,
        cohort_id=author.cohort_id,
        management_level=author.management_level,
        verb="topic_created",
        target_type_id=topic.topic_type_id,
        target_id=topic.topic_id,
        created_at=topic.created_at - timedelta(days=21),
    )
    rollup_run()
    moved = TopicResponse.objects.get(topic_type_id=topic.topic_type_id, topic_id=topic.topic_id)
    assert (moved.week, moved.author_id) == (topic.week - timedelta(days=21), author.author_id)
    full = _full_sets()
    assert _stored() == {key: sorted(people)[:TOPIC_PEOPLE_KEPT] for key, people in full.items()}


@pytest.mark.django_db
def test_answers_taking_kept_people_off_a_full_unanswered_set_recompute_it():
    _organisation()
    topic_type = ContentType.objects.get_for_model(Cohort)
    busy = TopicResponse.objects.filter(management_level=2, department="Operations").values_list(
        "author_id", "cohort_id"
    )
    cohort = busy[0][1]
    authors = sorted({a for a, c in busy if c == cohort})[:14]
    day = datetime(2026, 3, 31, 9, tzinfo=LONDON)
    for i, author in enumerate(authors):
        Activity.objects.create(
            actor_id=author,
            cohort_id=cohort,
            management_level=2,
            verb="topic_created",
            target_type=topic_type,
            target_id=60_000 + i,
            created_at=day + timedelta(minutes=i),
        )
    rollup_run()

    def unanswered() -> list:
        return TopicPeople.objects.get(
            week=date(2026, 3, 30),
            day=None,
            kind="unanswered",
            cohort_id=cohort,
            management_level=2,
            department="Operations",
        ).people

    assert unanswered() == authors[:TOPIC_PEOPLE_KEPT]  # cut: 14 people, the lowest 10 kept
    # The three lowest are answered (kept people leave the set), and one above the cut (a person not kept).
    for i in (0, 1, 2, 12):
        Activity.objects.create(
            actor_id=authors[-1 - i % 2],
            cohort_id=cohort,
            management_level=2,
            verb="topic_first_response",
            context_type=topic_type,
            context_id=60_000 + i,
            data={"seconds": 900},
            created_at=day + timedelta(hours=2),
        )
    rollup_run()
    assert unanswered() == [a for i, a in enumerate(authors) if i not in (0, 1, 2, 12)][:TOPIC_PEOPLE_KEPT]
    full = _full_sets()
    assert _stored() == {key: sorted(people)[:TOPIC_PEOPLE_KEPT] for key, people in full.items()}


@pytest.mark.django_db
def test_the_migration_fills_the_table_as_the_rollup_does():
    _organisation()
    rolled = snapshot_tables()["TopicPeople"]
    TopicPeople.objects.all().delete()
    migration = import_module("metrics.migrations.0009_topic_people")
    migration.fill(django_apps, types.SimpleNamespace(connection=connection))
    assert snapshot_tables()["TopicPeople"] == rolled


def _cells(k: int, start: date, end: date) -> dict[tuple, tuple]:
    """Every cell of the responsiveness panel and the headline figures, in every selection a fresh plan offers."""
    plan = disclosure.plan_for(None, k=k)
    cohorts = sorted(Cohort.objects.values_list("pk", flat=True))
    out = {}
    for cohort in [None, *cohorts]:
        for level in (None, 1, 2, 3):
            for department in (None, "Finance", "Operations"):
                cohort_ids = frozenset({cohort}) if cohort else None
                if plan.refusal(cohort_ids, level, department):
                    continue
                scope = Scope(
                    cohort_ids=cohort_ids, start=start, end=end, level=level, department=department, k=k, plan=plan
                )
                for row in engagement.responsiveness(scope).rows:
                    for i, cell in enumerate(row[1:]):
                        out[(cohort, level, department, row[0].text, i)] = (cell.value, cell.text, cell.suppressed)
                for figure in headline.period_figures(scope):
                    cell = figure.cell
                    out[(cohort, level, department, figure.key)] = (cell.value, cell.text, cell.suppressed)
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("k", [2, 5, TOPIC_PEOPLE_KEPT])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 3, 4), date(2026, 3, 26)),  # Wednesday to Thursday: day rows at both ends
        (date(2026, 3, 9), date(2026, 3, 22)),  # two whole weeks: week rows only
    ],
)
def test_cut_sets_decide_every_cell_as_every_topic_does(k, start, end, monkeypatch):
    _organisation()
    cut = _cells(k, start, end)
    # Below the cap the dashboards read TopicPeople; with the cap under the floor they read every topic.
    monkeypatch.setattr(engagement, "TOPIC_PEOPLE_KEPT", k - 1)
    full = _cells(k, start, end)
    assert cut == full
    suppressed = [key for key, (_value, _text, hidden) in full.items() if hidden]
    shown = [key for key, (value, _text, hidden) in full.items() if not hidden and value]
    assert suppressed and shown  # the comparison covers both decisions


def _topic(author, topic: int, at: datetime, seconds: int | None, responder=None) -> None:
    topic_type = ContentType.objects.get_for_model(Cohort)
    cohort = Membership.objects.filter(user=author).first().cohort_id
    ActivityFactory(
        actor=author, cohort_id=cohort, verb="topic_created", target_type=topic_type, target_id=topic, created_at=at
    )
    if seconds is not None:
        ActivityFactory(
            actor=responder,
            cohort_id=cohort,
            verb="topic_first_response",
            context_type=topic_type,
            context_id=topic,
            data={"seconds": seconds},
            created_at=at + timedelta(seconds=seconds),
        )


@pytest.mark.django_db
def test_percentiles_equal_the_python_ones_on_edge_cases():
    """Per week: one answered topic; two (an even count); ties; answered and not; none answered."""
    cohort = CohortFactory()
    people = [member_of(cohort, profile__management_level=2) for _ in range(4)]
    monday = datetime(2026, 3, 2, 9, tzinfo=LONDON)
    weeks = [[3600], [3600, 7200], [600, 600, 600, 9000, 9000], [60, None, 4000, None, 120, 7], [None, None]]
    topic = 0
    for w, times in enumerate(weeks):
        for i, seconds in enumerate(times):
            topic += 1
            _topic(people[i % 4], topic, monday + timedelta(days=7 * w, hours=i), seconds, people[(i + 1) % 4])
    rollup_run()
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 4, 5))
    stats = engagement.topic_stats(scope, first=scope.first_week, by_week=True)
    for w, times in enumerate(weeks):
        answered = [s / 3600 for s in times if s is not None]
        row = stats[date(2026, 3, 2) + timedelta(days=7 * w)]
        assert row["median"] == pytest.approx(engagement.percentile(answered, 50))
        assert row["p90"] == pytest.approx(engagement.percentile(answered, 90))
        assert row["answered"] == len(answered)
        assert row["unanswered"] == len(times) - len(answered)
    whole = engagement.topic_stats(scope)
    every = [s / 3600 for times in weeks for s in times if s is not None]
    assert whole["median"] == pytest.approx(engagement.percentile(every, 50))
    assert whole["p90"] == pytest.approx(engagement.percentile(every, 90))
    assert engagement.percentile([3600.0, 7200.0], 50) == 5400.0  # even count: halfway, as numpy's default


@pytest.mark.django_db
def test_topic_figures_equal_the_figures_read_one_by_one():
    """The responsiveness panel's weeks, the headline's range and its unanswered authors per week come from
    one statement over the range's topics on PostgreSQL (the dashboard's ranges start on a Monday), and
    equal the figures read one by one: for a range of several weeks, a range starting mid-week (no form
    offers one; read one by one), and a range with no topic (zeros and no percentile)."""
    cohort = CohortFactory()
    people = [member_of(cohort, profile__management_level=2) for _ in range(5)]
    monday = datetime(2026, 3, 2, 9, tzinfo=LONDON)
    weeks = [[3600, None, 60], [None, None, 7200, 10], [600, 600, 9000], [None]]
    topic = 0
    for w, times in enumerate(weeks):
        for i, seconds in enumerate(times):
            topic += 1
            _topic(people[(w + i) % 5], topic, monday + timedelta(days=7 * w + i, hours=i), seconds, people[i % 2])
    rollup_run()
    for start, end, statements in (
        (date(2026, 3, 2), date(2026, 3, 29), 1),
        (date(2026, 3, 4), date(2026, 3, 29), 3),
        (date(2026, 5, 4), date(2026, 5, 10), 1),
    ):
        scope = Scope(cohort_ids=None, start=start, end=end)
        with CaptureQueriesContext(connection) as ctx:
            found = engagement.topic_figures(scope)
        if connection.vendor == "postgresql":
            assert len(ctx.captured_queries) == statements
        assert found.weeks == engagement.topic_stats(scope, first=scope.first_week, by_week=True)
        assert found.whole == engagement.topic_stats(scope)
        unanswered = defaultdict(set)
        for t in TopicResponse.objects.filter(created_on__range=(start, end), seconds__isnull=True):
            unanswered[t.week].add(t.author_id)
        assert sorted(n for n in found.unanswered_weekly if n) == sorted(len(a) for a in unanswered.values())
    assert found.weeks == {}
    assert found.whole == {**dict.fromkeys(engagement.TOPIC_COUNTS, 0), "median": None, "p90": None}
