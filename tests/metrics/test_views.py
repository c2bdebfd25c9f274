"""Dashboard views: tables equal their CSV, the privacy floor, filters, htmx, bad input, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.models import DailyActor
from metrics.rollup import rollup_run
from metrics.selectors.dashboard import PANELS
from tests.factories import ActivityFactory, UserFactory, member_of
from tests.factories.metrics import rollup_rows

from .conftest import History, csv_rows, panel_tables


@pytest.fixture
def org(db):
    org = History(21, people=24)
    org.add(2500, timezone.now() - timedelta(days=70), 70)
    rollup_run()
    return org


@pytest.mark.django_db
def test_every_panel_csv_holds_exactly_the_numbers_on_screen(client, analyst, org):
    client.force_login(analyst)
    query = {"cohort": org.cohorts[0].pk, "level": 2}
    page = client.get(reverse("metrics:index"), query)
    tables = panel_tables(page.content.decode())
    drawn = [slug for slug in PANELS if tables.get(slug)]
    # The generated history feeds every panel except the programme diagnostic (no programme survey).
    assert set(PANELS) - set(drawn) <= {"diagnostic"}, set(PANELS) - set(drawn)
    for slug in drawn:
        download = client.get(reverse("metrics:export", args=[slug]), query)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        assert "attachment" in download["Content-Disposition"]
        assert csv_rows(download.content) == tables[slug], slug


@pytest.mark.django_db
def test_the_comparison_csv_matches_its_table(client, analyst, org):
    client.force_login(analyst)
    page = client.get(reverse("metrics:compare"))
    table = panel_tables(page.content.decode())["compare"]
    download = client.get(reverse("metrics:compare-export"))
    assert csv_rows(download.content) == table
    assert table[0] == ["Figure", "Period A", "Period B", "Change (B minus A)", "Change (%)"]
    assert len(table) == 17


@pytest.mark.django_db
def test_figures_about_fewer_than_k_people_are_hidden_on_screen_and_in_the_csv(client, analyst, cohort, settings):
    people = [member_of(cohort, profile__management_level=1) for _ in range(3)]
    for person in people:
        ActivityFactory(actor=person, cohort=cohort, verb="post_created", created_at=timezone.now() - timedelta(days=1))
    rollup_run()
    client.force_login(analyst)
    query = {"cohort": cohort.pk}

    tables = panel_tables(client.get(reverse("metrics:index"), query).content.decode())
    funnel = dict((row[0], row[1]) for row in tables["funnel"][1:])
    assert funnel["Invited"] == "fewer than 5"
    assert funnel["First forum post"] == "fewer than 5"
    download = client.get(reverse("metrics:export", args=["funnel"]), query)
    csv_funnel = {row[0]: row[1] for row in csv_rows(download.content)[1:]}
    assert csv_funnel == funnel
    assert "3" not in {row[2] for row in tables["active"][1:]}  # weekly active: never the real 3

    settings.METRICS_MIN_GROUP_SIZE = 3
    tables = panel_tables(client.get(reverse("metrics:index"), query).content.decode())
    assert dict((row[0], row[1]) for row in tables["funnel"][1:])["First forum post"] == "3"


@pytest.mark.django_db
def test_a_lone_survey_answer_is_never_shown_to_others_but_its_author_sees_it(client, analyst, leader, cohort):
    ActivityFactory(
        actor=leader,
        cohort=cohort,
        verb="survey_answered",
        created_at=timezone.now() - timedelta(days=3),
        data={"survey": 7, "round": "before", "scores": {"1": 2}, "items": {"1": "I know the policy"}},
    )
    rollup_run()
    client.force_login(analyst)
    tables = panel_tables(client.get(reverse("metrics:index"), {"cohort": cohort.pk}).content.decode())
    assert tables["survey-means"][1][:3] == ["I know the policy", "fewer than 5", "fewer than 5"]
    assert all(cell in ("I know the policy (before)", "0", "fewer than 5") for cell in tables["survey-distribution"][1])
    client.force_login(leader)
    mine = panel_tables(client.get(reverse("metrics:me")).content.decode())["me-survey"]
    assert mine[1] == ["I know the policy", "2", "n/a", ""]


@pytest.mark.django_db
def test_filters_are_applied_and_give_a_shareable_url(client, analyst, org):
    client.force_login(analyst)
    start = (timezone.localdate() - timedelta(days=20)).isoformat()
    query = {"cohort": org.cohorts[1].pk, "start": start, "level": 3}
    page = client.get(reverse("metrics:index"), query).content.decode()
    assert f"cohort={org.cohorts[1].pk}" in page and f"start={start}" in page and "level=3" in page
    assert f'value="{start}"' in page  # the date used is shown in the form
    levels = panel_tables(page)["level-share"]
    assert [row[0] for row in levels[1:]] == ["Front-line manager"]


@pytest.mark.django_db
def test_an_htmx_filter_change_returns_only_the_dashboard(client, analyst, org):
    client.force_login(analyst)
    response = client.get(reverse("metrics:index"), {"level": 1}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'hx-swap-oob="true"' in body and "Dashboard updated" in body
    assert 'data-panel="funnel"' in body


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-05-10", "end": "2026-05-01"},
        {"start": "2026-13-45"},
        {"cohort": "abc"},
        {"level": "9"},
        {"department": "Nowhere"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"survey": "x"},
    ],
    ids=["reversed", "bad-date", "bad-cohort", "bad-level", "unknown-department", "too-long", "bad-survey"],
)
@pytest.mark.django_db
def test_bad_filters_are_a_clear_400_not_a_crash(client, analyst, query):
    client.force_login(analyst)
    response = client.get(reverse("metrics:index"), query)
    assert response.status_code == 400
    assert "Some filters need correcting" in response.content.decode()
    assert client.get(reverse("metrics:export", args=["funnel"]), query).status_code == 400


@pytest.mark.django_db
def test_bad_comparison_dates_are_a_clear_400(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("metrics:compare"), {"a_start": "2026-05-10", "a_end": "2026-05-01"})
    assert response.status_code == 400
    assert "Some dates need correcting" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_panel_is_404(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("metrics:export", args=["nothing-here"])).status_code == 404
    assert client.get(reverse("metrics:me-export", args=["nothing-here"])).status_code == 404


@pytest.mark.django_db
def test_csv_cells_that_look_like_formulas_are_neutralised(client, analyst, cohort, facilitator):
    from django.contrib.contenttypes.models import ContentType

    from portal.models import Cohort

    ActivityFactory(
        actor=facilitator,
        cohort=cohort,
        verb="prompt_released",
        target_type=ContentType.objects.get_for_model(Cohort),
        target_id=5,
        data={"title": '=HYPERLINK("http://evil.example")', "timing": "before_session"},
        created_at=timezone.now() - timedelta(days=2),
    )
    rollup_run()
    client.force_login(analyst)
    rows = csv_rows(client.get(reverse("metrics:export", args=["prompts"]), {"cohort": cohort.pk}).content)
    assert rows[1][0].startswith("'=HYPERLINK")


# ---------------------------------------------------------------- query counts
PAGES = {
    "index": lambda c: (reverse("metrics:index"), {}),
    "index-filtered": lambda c: (reverse("metrics:index"), {"cohort": c.pk, "level": 2}),
    "export": lambda c: (reverse("metrics:export", args=["active"]), {"cohort": c.pk}),
    "compare": lambda c: (reverse("metrics:compare"), {"cohort": c.pk}),
    "compare-export": lambda c: (reverse("metrics:compare-export"), {}),
    "me": lambda c: (reverse("metrics:me"), {}),
    "me-export": lambda c: (reverse("metrics:me-export", args=["me-activity"]), {}),
    "definitions": lambda c: (reverse("metrics:definitions"), {}),
}


def _count(client, url, query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_does_not_grow_with_rollup_rows(client, analyst, cohort, page):
    people = [member_of(cohort) for _ in range(5)]
    client.force_login(analyst)
    first = timezone.localdate() - timedelta(days=100)
    rollup_rows(n=10, cohort_id=cohort.pk, actor_ids=[p.pk for p in people], first_day=first)
    url, query = PAGES[page](cohort)
    client.get(url, query)  # warm up (sessions, content types)
    small = _count(client, url, query)
    more = [UserFactory() for _ in range(20)]
    rollup_rows(n=10_000, cohort_id=cohort.pk, actor_ids=[p.pk for p in people + more], first_day=first)
    assert DailyActor.objects.count() == 10_010
    assert _count(client, url, query) == small
    assert small <= 50, f"{page}: {small} queries"


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_no_page_reads_the_activity_log_or_forum_and_blog_tables(client, analyst, org, page):
    client.force_login(analyst)
    url, query = PAGES[page](org.cohorts[0])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("metrics_activity", '"forums_', '"blogs_'):
        assert table not in tables, f"{page} reads {table}"
    assert "metrics_dailyactor" in tables or page == "definitions"
