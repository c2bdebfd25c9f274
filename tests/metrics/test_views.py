"""Dashboard views: tables equal their CSV, the privacy floor, filters, htmx, bad input, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.rollup import rollup_run
from metrics.selectors.dashboard import PANELS
from tests.factories import ActivityFactory, member_of

from .conftest import History, csv_rows, flat_query_count, panel_tables


@pytest.fixture
def org(db):
    org = History(21, people=36)  # 6 people per cohort and level: every filter value clears the floor
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
def test_a_selection_of_fewer_than_k_people_shows_no_figure_on_screen_or_in_the_csv(client, analyst, cohort, settings):
    people = [member_of(cohort, profile__management_level=1) for _ in range(3)]
    for person in people:
        ActivityFactory(actor=person, cohort=cohort, verb="post_created", created_at=timezone.now() - timedelta(days=1))
    rollup_run()
    client.force_login(analyst)
    query = {"cohort": cohort.pk}

    page = client.get(reverse("metrics:index"), query).content.decode()
    assert "covers fewer than 5 people, so no figures are shown" in page
    assert panel_tables(page) == {}
    download = client.get(reverse("metrics:export", args=["funnel"]), query)
    assert download.status_code == 200
    rows = csv_rows(download.content)
    assert rows[0] == ["No figures for this selection"] and "fewer than 5 people" in rows[1][0]
    assert not any(cell.isdigit() for row in rows for cell in row)

    settings.METRICS_MIN_GROUP_SIZE = 3
    tables = panel_tables(client.get(reverse("metrics:index"), query).content.decode())
    assert dict((row[0], row[1]) for row in tables["funnel"][1:])["First forum post"] == "3"


@pytest.mark.django_db
def test_a_lone_survey_answer_is_never_shown_to_others_but_its_author_sees_it(client, analyst, leader, cohort):
    for _ in range(5):  # a cohort large enough to be shown at all
        member_of(cohort)
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
    hidden = "hidden (fewer than 5 people)"
    assert tables["survey-means"][1][:3] == ["I know the policy", hidden, hidden]
    # Its zeros may be hidden too, so the lone answer cannot be worked out from other selections.
    protects = "hidden (protects a smaller group)"
    row = tables["survey-distribution"][1]
    assert all(cell in ("I know the policy (before)", "0", hidden, protects) for cell in row)
    assert "2" not in row and "1" not in row
    client.force_login(leader)
    mine = panel_tables(client.get(reverse("metrics:me")).content.decode())["me-survey"]
    assert mine[1] == ["I know the policy", "2", "n/a", ""]


@pytest.mark.django_db
def test_filters_are_applied_and_give_a_shareable_url(client, analyst, org):
    client.force_login(analyst)
    asked = timezone.localdate() - timedelta(days=20)
    start = (asked - timedelta(days=asked.weekday())).isoformat()  # dates are whole weeks, from a Monday
    query = {"cohort": org.cohorts[1].pk, "start": asked.isoformat(), "level": 3}
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
    assert 'data-hx-swap-oob="true"' in body and "Dashboard updated" in body
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
def test_dates_widen_to_whole_weeks_monday_to_sunday(client, analyst, org):
    client.force_login(analyst)
    page = client.get(reverse("metrics:index"), {"start": "2026-03-04", "end": "2026-03-18"}).content.decode()
    assert 'value="2026-03-02"' in page and 'value="2026-03-22"' in page  # Wednesday..Wednesday: Mon 2..Sun 22
    assert "start=2026-03-02" in page and "end=2026-03-22" in page  # the shareable link names the weeks used
    compare = {"a_start": "2026-02-04", "a_end": "2026-02-10", "b_start": "2026-03-05", "b_end": "2026-03-05"}
    page = client.get(reverse("metrics:compare"), compare).content.decode()
    for used in ("2026-02-02", "2026-02-15", "2026-03-02", "2026-03-08"):
        assert f'value="{used}"' in page


@pytest.mark.parametrize(
    "query", [{"end": "9999-12-31"}, {"start": "0001-01-01", "end": "0001-01-03"}, {"end": "0001-01-05"}]
)
@pytest.mark.django_db
def test_dates_at_the_ends_of_the_calendar_are_a_form_error_or_used_never_a_500(client, analyst, query):
    client.force_login(analyst)
    response = client.get(reverse("metrics:index"), query)
    assert response.status_code in (200, 400)
    if "9999" in query.get("end", ""):
        assert response.status_code == 400 and "before the year 9999" in response.content.decode()
    compare = {"b_start": query.get("end", "0001-01-01"), "b_end": query.get("end", "0001-01-03")}
    assert client.get(reverse("metrics:compare"), compare).status_code in (200, 400)


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

    from portal.people.models import Cohort

    for _ in range(5):  # a cohort large enough to be shown at all
        member_of(cohort)
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


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_does_not_grow_with_rollup_rows(client, analyst, cohort, page):
    url, query = PAGES[page](cohort)
    small = flat_query_count(client, analyst, cohort, url, query)
    # The dashboard reads each panel's figures per row group for every selection at once (complementary
    # suppression across selections, metrics.disclosure.Siblings): about one query per panel, flat in history.
    assert small <= 60, f"{page}: {small} queries"


@pytest.mark.django_db
def test_dashboard_reads_the_topics_of_its_range_once(client, analyst, org):
    """The responsiveness panel and the headline's response times and unanswered topics share one read of
    the range's topics on PostgreSQL (the statement that grows with the history), not three."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads them one by one (no percentile in the database)")
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("metrics:index"))
    assert b"Median hours to first response" in response.content
    assert sum("metrics_topicresponse" in q["sql"] for q in ctx.captured_queries) == 1


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
    # The figures come from the person-days or the person-weeks (whole weeks and trailing days: the masks).
    assert "metrics_dailyactor" in tables or "metrics_weeklyactor" in tables or page == "definitions"
