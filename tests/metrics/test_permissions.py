"""Every view in the "metrics" namespace, for every role, for the facilitator's own and another cohort.

The cohort in the query string is the one ``facilitator`` runs, so for ``other_facilitator`` it is
another cohort. Adding a URL to metrics/urls.py without a row here fails ``test_every_metrics_url_has_a_row``.
"""

import pytest
from django.urls import reverse

from metrics import urls as metrics_urls
from tests.conftest import ROLES

OK, REDIRECT, FORBIDDEN = 200, 302, 403

DASHBOARD = {"leader": REDIRECT, "facilitator": OK, "other_facilitator": OK, "analyst": OK, "admin": OK}
# Asking for a cohort: the facilitator of another cohort is refused.
DASHBOARD_COHORT = {**DASHBOARD, "other_facilitator": FORBIDDEN}
EXPORT = {**DASHBOARD, "leader": FORBIDDEN}
EXPORT_COHORT = {**DASHBOARD_COHORT, "leader": FORBIDDEN}
EVERYONE = dict.fromkeys(DASHBOARD, OK)

# (name, url args, query string builder, expected by role)
MATRIX = [
    ("index", [], lambda t: {}, DASHBOARD),
    ("index", [], lambda t: {"cohort": t["cohort"].pk}, DASHBOARD_COHORT),
    ("export", ["funnel"], lambda t: {}, EXPORT),
    ("export", ["active"], lambda t: {"cohort": t["cohort"].pk}, EXPORT_COHORT),
    ("export", ["survey-means"], lambda t: {"cohort": t["cohort"].pk, "level": 2}, EXPORT_COHORT),
    ("compare", [], lambda t: {}, DASHBOARD),
    ("compare", [], lambda t: {"cohort": t["cohort"].pk}, DASHBOARD_COHORT),
    ("compare-export", [], lambda t: {}, EXPORT),
    ("compare-export", [], lambda t: {"cohort": t["cohort"].pk}, EXPORT_COHORT),
    ("me", [], lambda t: {}, EVERYONE),
    ("me-export", ["me-activity"], lambda t: {}, EVERYONE),
    ("definitions", [], lambda t: {}, EVERYONE),
    ("trends", [], lambda t: {}, DASHBOARD),
    ("trends", [], lambda t: {"cohort": t["cohort"].pk}, DASHBOARD_COHORT),
    ("trends-export", ["trend-active"], lambda t: {}, EXPORT),
    ("trends-export", ["cohort-active"], lambda t: {"cohort": t["cohort"].pk}, EXPORT_COHORT),
]


def test_every_metrics_url_has_a_row():
    names = {pattern.name for pattern in metrics_urls.urlpatterns}
    covered = {name for name, *_ in MATRIX}
    assert names == covered, f"missing rows: {names - covered}; stale rows: {covered - names}"


def test_every_row_covers_every_role():
    for name, _, _, expected in MATRIX:
        assert set(expected) | {"anonymous"} == set(ROLES), name


def test_every_dashboard_panel_export_is_in_the_matrix_or_shares_its_rule():
    # All panel exports go through one view and one permission check; the rows above sample three panels.
    from metrics.selectors.dashboard import PANELS

    assert {"funnel", "active", "survey-means"} <= set(PANELS)


CASES = [(i, role) for i in range(len(MATRIX)) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "role"),
    CASES,
    ids=[f"{MATRIX[i][0]}-{i}-{r}" for i, r in CASES],
)
def test_permission_matrix(row, role, as_role, cohort, other_cohort):
    name, args, query, expected = MATRIX[row]
    client, _ = as_role(role)
    url = reverse(f"metrics:{name}", args=args)

    response = client.get(url, query({"cohort": cohort}))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role], f"GET {url} {query({'cohort': cohort})} as {role}"
        if expected[role] == REDIRECT:
            assert response["Location"] == reverse("metrics:me")


@pytest.mark.django_db
def test_a_facilitator_sees_only_their_own_cohorts_in_the_filter(as_role, cohort, other_cohort):
    client, _ = as_role("facilitator")
    page = client.get(reverse("metrics:index")).content.decode()
    assert cohort.name in page
    assert other_cohort.name not in page


@pytest.mark.django_db
def test_an_analyst_can_choose_every_cohort(as_role, cohort, other_cohort):
    client, _ = as_role("analyst")
    page = client.get(reverse("metrics:index")).content.decode()
    assert cohort.name in page and other_cohort.name in page


@pytest.mark.django_db
def test_a_leader_has_no_dashboard_link_but_reaches_their_own_page(as_role):
    client, _ = as_role("leader")
    page = client.get(reverse("metrics:me")).content.decode()
    assert 'href="/dashboards/compare/"' not in page
    assert "My progress" in page
