"""The disclosure checker: an analyst's arithmetic against every filter combination, page and comparison.

The checker knows who is in which cohort, level and department from the people tables (not from the
metrics app), reads every figure the dashboards would show for every selection, and then attacks:

- subtraction across filter values: any group of 1..k-1 people whose figure is a sum and difference
  of shown selections' figures (linear algebra over the people of each selection);
- parts of shown wholes on one page: contributors + readers = active, ratings = respondents,
  funnel stages and level shares against their shown totals;
- the comparison page: a shown change next to one hidden period.

Every attack must find 0 recoverable figures, on the demo organisation and on random organisations
with groups of 1-4 people.
"""

from __future__ import annotations

import io
import itertools
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from metrics import disclosure
from metrics.models import Activity
from metrics.rollup import rollup_run
from metrics.selectors import dashboard, headline
from metrics.selectors.scope import LEVELS, Scope
from portal.people.models import Cohort, Membership, Role, User
from tests.factories import CohortFactory, member_of
from tests.factories.metrics import history_rows

LONDON = ZoneInfo("Europe/London")
K = 5
DEPARTMENTS = ["Finance", "Legal", "Operations", "People"]


# ------------------------------------------------------------------ the organisations
def random_org(seed: int) -> None:
    """Three cohorts; every cohort x level x department group holds 1-4 people (or nobody)."""
    rng = random.Random(seed)
    cohorts = [CohortFactory() for _ in range(3)]
    actors = []
    for cohort in cohorts:
        for level in (1, 2, 3, None):
            for department in DEPARTMENTS:
                for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
                    person = member_of(cohort, profile__management_level=level, profile__department=department)
                    actors.append((person.pk, cohort.pk, level))
    Membership.objects.update(joined_at=datetime(2026, 1, 1, tzinfo=LONDON))
    rows = history_rows(
        rng=rng,
        n=60 * len(actors),
        actors=actors,
        start=datetime(2026, 3, 1, tzinfo=LONDON),
        days=60,
        topic_type=ContentType.objects.get_for_model(Cohort),
    )
    Activity.objects.bulk_create(rows)
    rollup_run()


def truth() -> tuple[dict[int, set[int]], dict[int, tuple]]:
    """From the people tables: each leader's cohorts, level and department."""
    team = User.objects.filter(Q(groups__name__in=[str(Role.FACILITATOR), str(Role.ANALYST), str(Role.ADMIN)]))
    cohorts: dict[int, set[int]] = defaultdict(set)
    for user_id, cohort_id in Membership.objects.filter(kind=Membership.Kind.MEMBER).values_list(
        "user_id", "cohort_id"
    ):
        cohorts[user_id].add(cohort_id)
    facts = {
        u.pk: (u.profile.management_level, u.profile.department or "")
        for u in User.objects.filter(pk__in=cohorts).exclude(pk__in=team).select_related("profile")
    }
    return {u: c for u, c in cohorts.items() if u in facts}, facts


# ------------------------------------------------------------------ what the dashboards show
def selections(cohort_ids: list[int], departments: list[str]):
    yield from itertools.product([None, *cohort_ids], [None, *LEVELS], [None, *departments])


def shown_figures(plan, cohort, level, department, start: date, end: date) -> dict[tuple, object] | None:
    """Every cell the dashboard shows for a selection (None: the selection is refused)."""
    cohort_ids = frozenset({cohort}) if cohort else None
    if plan.refusal(cohort_ids, level, department):
        return None
    scope = Scope(cohort_ids=cohort_ids, start=start, end=end, level=level, department=department, k=K, plan=plan)
    cells = {}
    for section in dashboard.dashboard(scope):
        for panel in section["panels"]:
            for row in panel.rows:
                for column, cell in zip(panel.columns[1:], row[1:], strict=True):
                    cells[(panel.slug, row[0].text, column)] = cell
    for h in headline.period_figures(scope):
        cells[("headline", h.key)] = h.cell
    return cells


def members_of(people, facts, cohort, level, department) -> frozenset[int]:
    return frozenset(
        p
        for p, cohorts in people.items()
        if (cohort is None or cohort in cohorts)
        and (level is None or facts[p][0] == level)
        and (department is None or facts[p][1] == department)
    )


P = 2**61 - 1  # exact arithmetic modulo a large prime: no floating-point rank errors


class Span:
    """The row space of 0/1 vectors (sets of people), kept in reduced echelon form modulo P."""

    def __init__(self, rows: list[dict[int, int]]):
        self.basis: dict[int, dict[int, int]] = {}  # pivot column -> row with 1 at the pivot
        for row in rows:
            self.add(row)

    def reduce(self, row: dict[int, int]) -> dict[int, int]:
        row = dict(row)
        for pivot, basis_row in self.basis.items():
            factor = row.get(pivot, 0)
            if factor:
                for col, value in basis_row.items():
                    row[col] = (row.get(col, 0) - factor * value) % P
                row = {c: v for c, v in row.items() if v}
        return row

    def add(self, row: dict[int, int]) -> None:
        row = self.reduce(row)
        if not row:
            return
        pivot = min(row)
        inverse = pow(row[pivot], P - 2, P)
        row = {c: v * inverse % P for c, v in row.items()}
        for other in self.basis.values():
            factor = other.get(pivot, 0)
            if factor:
                for col, value in row.items():
                    other[col] = (other.get(col, 0) - factor * value) % P
                for col in [c for c, v in other.items() if not v]:
                    del other[col]
        self.basis[pivot] = row

    def contains(self, row: dict[int, int]) -> bool:
        return not self.reduce(row)


def small_groups(people, facts) -> list[frozenset[int]]:
    """Every group of 1..k-1 people an analyst could aim at: unions of the finest filterable groups."""
    atoms: dict[tuple, set[int]] = defaultdict(set)
    for p, cohorts in people.items():
        atoms[(frozenset(cohorts), *facts[p])].add(p)
    small = [frozenset(a) for a in atoms.values() if len(a) < K]
    groups = set()
    for size in range(1, K):
        for combo in itertools.combinations(small, size):
            union = frozenset().union(*combo)
            if 0 < len(union) < K:
                groups.add(union)
    return sorted(groups, key=sorted)


# ------------------------------------------------------------------ the attacks
def subtraction_attacks(pages: dict[tuple, dict], populations: dict[tuple, frozenset], people, facts) -> list:
    """Groups of fewer than k people whose figure is a sum/difference of shown selections' figures."""

    def vector(members) -> dict[int, int]:
        return dict.fromkeys(members, 1)

    shown_in: dict[tuple, list[tuple]] = defaultdict(list)
    for selection, cells in pages.items():
        for key, cell in cells.items():
            if not cell.suppressed and cell.value is not None:
                shown_in[key].append(selection)
    targets = small_groups(people, facts)
    found = []
    for selection_set in {frozenset(s) for s in shown_in.values()}:
        span = Span([vector(populations[s]) for s in sorted(selection_set, key=str)])
        for group in targets:
            if span.contains(vector(group)):
                found.append((sorted(selection_set, key=str), sorted(group)))
    return found


def hidden_cell_attacks(pages: dict[tuple, dict], populations: dict[tuple, frozenset]) -> list:
    """Cells hidden in one selection whose people are a sum/difference of selections showing the figure."""
    shown_in: dict[tuple, list[tuple]] = defaultdict(list)
    hidden_in: dict[tuple, list[tuple]] = defaultdict(list)
    for selection, cells in pages.items():
        for key, cell in cells.items():
            if cell.suppressed:
                hidden_in[key].append(selection)
            elif cell.value is not None:
                shown_in[key].append(selection)
    spans: dict[frozenset, Span] = {}
    found = []
    for key, hidden in hidden_in.items():
        shown = frozenset(shown_in.get(key, ()))
        if not shown:
            continue
        if shown not in spans:
            spans[shown] = Span([dict.fromkeys(populations[s], 1) for s in sorted(shown, key=str)])
        found += [(key, h) for h in hidden if spans[shown].contains(dict.fromkeys(populations[h], 1))]
    return found


def _raw(cell) -> float:
    return cell.raw if cell.raw is not None else (cell.value or 0)


def whole_attacks(cells: dict[tuple, object]) -> list:
    """Parts of a shown whole on one page: a lone hidden part, or hidden parts adding up to 1..k-1."""
    found = []

    def check(whole, parts, label):
        if whole is None or whole.suppressed or whole.value is None:
            return
        hidden = [p for p in parts if p.suppressed]
        if len(hidden) == 1 or 0 < sum(_raw(p) for p in hidden) < K:
            found.append(label)

    def complement(whole, part, label):
        shown = whole and part and not whole.suppressed and not part.suppressed
        if shown and whole.value is not None and part.value is not None and 0 < whole.value - part.value < K:
            found.append(label)

    check(
        cells.get(("headline", "active")),
        [cells[("headline", "contributors")], cells[("headline", "readers")]],
        "headline",
    )
    for key, cell in cells.items():
        if len(key) != 3:
            continue
        slug, row, column = key
        if slug == "contributors" and column == "Contributors":
            readers = cells[(slug, row, "Readers only")]
            check(cells.get(("active", row, "Weekly active")), [cell, readers], ("contributors", row))
        if slug == "survey-distribution" and column.startswith("1 "):
            label, round_ = row.rsplit(" (", 1)
            round_ = round_.rstrip(")")
            whole = cells.get(("survey-means", label, f"{round_.capitalize()}: people"))
            parts = [cells[(slug, row, c)] for (s, r, c) in cells if s == slug and r == row]
            check(whole, parts, ("survey", row))
        if slug == "funnel" and column == "People" and row != "Invited":
            complement(cells.get(("funnel", "Invited", "People")), cell, ("funnel", row))
        if slug == "level-share" and column.startswith("Wrote"):
            complement(cells.get((slug, row, "Members")), cell, ("level-share", row, column))
    return found


def comparison_attacks(panel) -> list:
    found = []
    for row in panel.rows:
        a, b, diff = row[1], row[2], row[3]
        if (a.suppressed != b.suppressed) and not diff.suppressed and diff.value is not None:
            found.append(row[0].text)
    return found


def run_checker(start: date, end: date, plan=None) -> dict[str, list]:
    people, facts = truth()
    cohort_ids = sorted(Cohort.objects.values_list("pk", flat=True))
    departments = sorted({d for _, d in facts.values() if d})
    plan = plan or disclosure.plan_for(None, k=K)
    pages, populations, report = {}, {}, defaultdict(list)
    for selection in selections(cohort_ids, departments):
        cells = shown_figures(plan, *selection, start, end)
        population = members_of(people, facts, *selection)
        if cells is None:
            continue
        assert len(population) >= K, f"{selection} shown with {len(population)} people"
        pages[selection] = cells
        populations[selection] = population
        report["parts of wholes"] += whole_attacks(cells)
        scope = Scope(
            cohort_ids=frozenset({selection[0]}) if selection[0] else None,
            start=start,
            end=end,
            level=selection[1],
            department=selection[2],
            k=K,
            plan=plan,
        )
        middle = start + (end - start) / 2
        report["comparison"] += comparison_attacks(
            headline.comparison(scope.with_dates(start, middle), scope.with_dates(middle + timedelta(1), end))
        )
    report["subtraction"] = subtraction_attacks(pages, populations, people, facts)
    report["hidden cells"] = hidden_cell_attacks(pages, populations)
    report["pages"] = [len(pages)]
    return report


# Figures that add up week by week over a date range (events, and people who do something once: a
# first contribution, starting a lesson), keyed as ``shown_figures`` keys them: (panel, column) or
# ("headline", key). A funnel stage is as of the range's end: a sum over every week up to it.
SUMMED_OVER_WEEKS = {
    ("headline", key)
    for key in ("avg_daily", "new_contributors", "topics", "replies", "entries", "comments", "lessons", "goals")
} | {("headline", "unanswered")}
SUMMED_PANELS = {"goals", "goals-by-level", "lessons"}
AS_OF_END = {"funnel"}


def date_ranges(first: date, last: date) -> list[tuple[date, date]]:
    """Every range the filter form offers between two dates: whole weeks, Monday to Sunday."""
    mondays = [first - timedelta(days=first.weekday())]
    while mondays[-1] + timedelta(days=7) <= last:
        mondays.append(mondays[-1] + timedelta(days=7))
    return [(a, b + timedelta(days=6)) for a, b in itertools.combinations_with_replacement(mondays, 2)]


def date_attacks(plan, selection, first: date, last: date) -> list:
    """Subtraction across offered date ranges, for every figure summed over the weeks of its range.

    A figure hidden for one range is recoverable when that range's weeks are a sum/difference of the
    weeks of ranges that show the same figure (same selection): the hidden-cell attack with weeks in
    place of people.
    """
    pages: dict[tuple, dict] = defaultdict(dict)
    weeks_of: dict[tuple, frozenset] = {}
    for start, end in date_ranges(first, last):
        cells = shown_figures(plan, *selection, start, end)
        if cells is None:
            return []
        last_week = (end - first).days // 7
        weeks_of[(start, end)] = frozenset(range((start - first).days // 7, last_week + 1))
        weeks_of[("as of", end)] = frozenset(range(-1000, last_week + 1))  # every week up to the end
        for key, cell in cells.items():
            if (key[0], key[-1]) in SUMMED_OVER_WEEKS or key[0] in SUMMED_PANELS:
                pages[(start, end)][key] = cell
            elif key[0] in AS_OF_END:
                pages[("as of", end)][key] = cell
    return hidden_cell_attacks(pages, weeks_of)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_no_hidden_figure_is_recoverable_by_subtracting_date_ranges(seed, settings):
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(seed)
    plan = disclosure.plan_for(None, k=K)
    cohort = min(c for c in plan.cohorts)
    found, hidden = [], 0
    for selection in ((None, None, None), (cohort, None, None)):
        found += date_attacks(plan, selection, date(2026, 3, 2), date(2026, 4, 26))
        hidden += sum(
            cell.suppressed
            for cell in (shown_figures(plan, *selection, date(2026, 3, 2), date(2026, 3, 8)) or {}).values()
        )
    assert hidden, "some figure of a single week must be hidden, or the attack proves nothing"
    assert found == []


@pytest.mark.django_db
def test_the_date_attack_finds_what_ranges_without_the_week_rule_give_away(settings, monkeypatch):
    """The same attack with the week rule switched off (``over_weeks``, and the week-by-week sibling
    decisions, which hide a selection's quiet week too): ranges differing by a quiet week give it away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(1)
    monkeypatch.setattr("metrics.selectors.figures.over_weeks", lambda cell, weekly_people, k: cell)
    monkeypatch.setattr("metrics.selectors.scope.Scope.hides", lambda self, *figures: False)
    found = date_attacks(disclosure.plan_for(None, k=K), (None, None, None), date(2026, 3, 2), date(2026, 4, 26))
    assert found, "without the week rule, some hidden week must be recoverable from two ranges"


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_figure_about_fewer_than_k_people_is_recoverable_in_a_random_organisation(seed, settings):
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(seed)
    report = run_checker(date(2026, 3, 2), date(2026, 4, 26))
    assert report["pages"][0] > 3, "the checker must look at several selections"
    assert report["subtraction"] == []
    assert report["parts of wholes"] == []
    assert report["comparison"] == []


@pytest.mark.django_db
def test_the_checker_finds_what_an_unprotected_dashboard_gives_away(settings):
    """The same checker against a plan that offers every filter value: it must find the holes."""
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(1)
    offer_everything = disclosure.build_plan(disclosure.atoms_for(None), k=1, all_cohorts=None)
    offer_everything.k = K  # cells still hidden below k, but no value withheld and no selection refused
    report = run_checker(date(2026, 3, 2), date(2026, 4, 26), plan=offer_everything)
    assert report["subtraction"], "a random organisation with groups of 1-4 must be attackable without the plan"


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_a_cell_hidden_in_one_selection_cannot_be_recomputed_from_other_selections(seed, settings):
    """3 of 20 senior executives active is hidden; all levels minus the other levels must not give it back."""
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(seed)
    report = run_checker(date(2026, 3, 2), date(2026, 4, 26))
    assert report["hidden cells"] == []
    assert report["subtraction"] == report["parts of wholes"] == report["comparison"] == []


@pytest.mark.django_db
def test_the_checker_finds_cells_recomputable_from_siblings_without_complementary_suppression(settings, monkeypatch):
    """The same attack with the cross-selection decision switched off finds hidden cells given away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(1)
    monkeypatch.setattr("metrics.selectors.scope.Scope.hides", lambda self, *figures: False)
    report = run_checker(date(2026, 3, 2), date(2026, 4, 26))
    assert report["hidden cells"], "without complementary suppression, siblings must give a hidden cell away"


@pytest.mark.django_db
def test_no_figure_about_fewer_than_k_people_is_recoverable_in_the_demo(settings, monkeypatch):
    """The fictional demo organisation (people and 90 days of history), over its last 90 days."""
    import time_machine
    from django.core.management import call_command

    from demo import org as demo

    settings.METRICS_MIN_GROUP_SIZE = K
    monkeypatch.setattr(demo, "SEED_APPS", ("metrics",))  # people, history and the rollup; no forum content
    today = datetime(2026, 4, 15, 12, 0, tzinfo=LONDON)
    with time_machine.travel(today, tick=False):
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
        report = run_checker(date(2026, 1, 12), date(2026, 4, 19))  # the whole weeks of the last 90 days
    assert report["pages"][0] > 3
    assert report["hidden cells"] == []
    assert report["subtraction"] == []
    assert report["parts of wholes"] == []
    assert report["comparison"] == []
