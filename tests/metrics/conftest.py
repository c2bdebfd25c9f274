"""Shared helpers for the metrics tests: generated history and a content-only snapshot of every rollup table."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrics.models import Activity, DailyActor, MemberStatus, PromptResponse, RollupState
from metrics.rollup import ROLLUP_MODELS, rollup_run
from portal.people.models import Cohort, Membership
from tests.factories import CohortFactory, UserFactory, member_of
from tests.factories.metrics import history_rows, rollup_rows

LONDON = ZoneInfo("Europe/London")


def snapshot_tables() -> dict[str, list[tuple]]:
    """Every rollup row by content (no primary keys), so two runs can be compared exactly."""
    tables = {}
    for model in (*ROLLUP_MODELS, MemberStatus):
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key or f.name == "survey_id"]
        tables[model.__name__] = sorted(
            (tuple(str(v) for v in row) for row in model.objects.values_list(*names)), key=str
        )
    tables["PromptResponse"] = sorted(
        (
            (r.prompt.topic_id, r.management_level, r.department, r.role, r.responses, r.responders)
            for r in PromptResponse.objects.select_related("prompt")
        ),
        key=str,
    )
    return tables


class History:
    """A seeded random organisation: two cohorts, people at three levels in two departments."""

    def __init__(self, seed: int, people: int = 18):
        self.rng = random.Random(seed)
        self.cohorts: list[Cohort] = [CohortFactory(), CohortFactory()]
        self.people = []
        for i in range(people):
            cohort = self.cohorts[i % 2]
            person = member_of(
                cohort, profile__management_level=1 + i % 3, profile__department=["Operations", "Finance"][i % 2]
            )
            self.people.append((person.pk, cohort.pk, person.profile.management_level))
        # Everyone joined before any generated history starts.
        Membership.objects.update(joined_at=datetime(2026, 1, 1, tzinfo=LONDON))
        facilitator = UserFactory(roles=("facilitator",))
        self.people.append((facilitator.pk, self.cohorts[0].pk, None))
        self.topic_type = ContentType.objects.get_for_model(Cohort)

    def add(self, n: int, start: datetime, days: int) -> list[Activity]:
        rows = history_rows(rng=self.rng, n=n, actors=self.people, start=start, days=days, topic_type=self.topic_type)
        return Activity.objects.bulk_create(rows)


def rolled_up(org: History, start: datetime, days: int, n: int = 3000) -> History:
    """The organisation with n generated activities over the days from start, all rolled up."""
    org.add(n, start, days)
    rollup_run(batch_size=900)
    return org


def column_values(panel, column) -> list:
    """One column of a panel, as numbers (None where hidden)."""
    return [row[column].value for row in panel.rows]


def _page_queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    assert b"No figures for this selection" not in response.content  # the figures really were computed
    return len(ctx.captured_queries)


def flat_query_count(client, analyst, cohort, url: str, query: dict) -> int:
    """The queries one page makes, checked to be the same over 10 rollup rows as over 10,010."""
    people = [member_of(cohort, profile__management_level=2) for _ in range(6)]  # above the floor: shown
    client.force_login(analyst)
    first = timezone.localdate() - timedelta(days=100)
    rollup_rows(n=10, cohort_id=cohort.pk, actor_ids=[p.pk for p in people], first_day=first)
    client.get(url, query)  # warm up (sessions, content types)
    small = _page_queries(client, url, query)
    more = [UserFactory() for _ in range(20)]
    rollup_rows(n=10_000, cohort_id=cohort.pk, actor_ids=[p.pk for p in people + more], first_day=first)
    assert DailyActor.objects.count() == 10_010
    assert _page_queries(client, url, query) == small
    return small


@pytest.fixture
def history(db):
    return History


@pytest.fixture
def watermark(db):
    def read() -> int:
        state = RollupState.objects.filter(name="activity").first()
        return state.last_activity_id if state else 0

    return read


def summer_start() -> datetime:
    return datetime(2026, 6, 1, 0, 0, tzinfo=LONDON)


def days_before(moment: datetime, days: int) -> datetime:
    return moment - timedelta(days=days)


def panel_tables(html: str) -> dict[str, list[list[str]]]:
    """Every panel's table as the page shows it: {slug: [header, *rows]} (cell text, whitespace collapsed)."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables: dict[str, list[list[str]]] = {}
            self.panel = None
            self.row = None
            self.cell = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "article" and attrs.get("data-panel"):
                self.panel = attrs["data-panel"]
                self.tables[self.panel] = []
            elif tag == "tr" and self.panel:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.tables[self.panel].append(self.row)
                self.row = None
            elif tag == "article":
                self.panel = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(content: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(content.decode())))
