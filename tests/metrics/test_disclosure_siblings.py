"""Rule 5 (siblings) where it was missing: prompts, prompt timing, the programme team's own columns, the
programme diagnostic, and the trends page's cohorts side by side.

The attack is the disclosure checker's hidden-cell attack (``test_disclosure.hidden_cell_attacks``) with
the people each figure really describes: a prompt's replies are about leaders of the selection's level and
department whichever cohort they belong to; a timing's replies about (prompt cohort, leader) pairs; the
team's own figures and the diagnostic about the team members each cohort option counts; a cohort's
column on the trends page about that cohort's members. A figure hidden in one selection must not be a
sum/difference of the same figure shown in other selections. Each organisation below is built so that,
without the cross-selection decision, it is (a companion test switches the decision off and finds it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from metrics import disclosure
from metrics.models import Activity
from metrics.rollup import rollup_run
from metrics.selectors import adoption, engagement, surveys, trends
from metrics.selectors.scope import Scope
from portal.people.models import Cohort, Membership
from tests.factories import ActivityFactory, CohortFactory, facilitator_of, member_of

from .test_disclosure import LONDON, K, Span, members_of, random_org, selections, truth

START, END = date(2026, 3, 2), date(2026, 3, 15)  # two whole weeks, Monday to Sunday
DAY = datetime(2026, 3, 3, 10, tzinfo=LONDON)


# ------------------------------------------------------------------ the attack
def pages(plan, build, *, start=START, end=END, **extra) -> dict[tuple, dict]:
    """Every cell ``build(scope)`` shows, for every selection the plan offers: {selection: {key: cell}}."""
    _, facts = truth()
    cohort_ids = sorted(Cohort.objects.values_list("pk", flat=True))
    departments = sorted({d for _, d in facts.values() if d})
    names = {c.pk: c.name for c in Cohort.objects.all()}
    out = {}
    for cohort, level, department in selections(cohort_ids, departments):
        cohort_ids_ = frozenset({cohort}) if cohort else None
        if plan.refusal(cohort_ids_, level, department):
            continue
        scope = Scope(
            cohort_ids=cohort_ids_, start=start, end=end, level=level, department=department, k=K, plan=plan, **extra
        )
        cells = {}
        for panel in build(scope):
            for row in panel.rows:
                label = row[0].text
                for name in names.values():  # a prompt reads "title (cohort)" under several cohorts
                    label = label.removesuffix(f" ({name})")
                for column, cell in zip(panel.columns[1:], row[1:], strict=True):
                    cells[(panel.slug, label, column)] = cell
        out[(cohort, level, department)] = cells
    return out


def recoverable(shown_pages: dict[tuple, dict], vector_of) -> list:
    """(key, selection) of every hidden cell whose people are a sum/difference of selections showing the key.

    ``vector_of(selection, key)`` is the set of people (or of (cohort, person) pairs) the figure describes there.
    """
    shown_in: dict[tuple, list] = defaultdict(list)
    hidden_in: dict[tuple, list] = defaultdict(list)
    for selection, cells in shown_pages.items():
        for key, cell in cells.items():
            if cell.suppressed:
                hidden_in[key].append(selection)
            elif cell.value is not None:
                shown_in[key].append(selection)
    columns: dict = {}  # people or (cohort, person) pairs, numbered for the span

    def vector(selection, key) -> dict[int, int]:
        return {columns.setdefault(c, len(columns)): 1 for c in vector_of(selection, key)}

    found = []
    for key, hidden in hidden_in.items():
        shown = shown_in.get(key)
        if not shown:
            continue
        span = Span([vector(s, key) for s in shown])
        for selection in hidden:
            target = vector(selection, key)
            if target and span.contains(target):
                found.append((key, selection))
    return found


def switch_off_siblings(monkeypatch) -> None:
    """The panels as they were before: no decision across sibling selections for these figures."""
    monkeypatch.setattr("metrics.selectors.scope.Scope.hides_within", lambda self, option, *figures: False)
    monkeypatch.setattr("metrics.selectors.scope.Scope.hides_largest", lambda self, parts: False)
    monkeypatch.setattr("metrics.selectors.scope.Scope.hides_option", lambda self, reach: False)
    monkeypatch.setattr(engagement, "_hides_prompt", lambda scope, figure: False)
    monkeypatch.setattr(trends, "dashboard_weeks", lambda scope, cohorts: {})


def leaders_with(level, department) -> dict:
    """A figure about leaders of a level and department, whichever cohort they are in."""
    people, facts = truth()
    return dict.fromkeys(members_of(people, facts, None, level, department), 1)


def cohort_pairs(selection, of_cohorts) -> dict:
    """A figure about (cohort, leader) pairs: the selection's cohorts (all: every cohort and none) x its leaders."""
    cohort, level, department = selection
    cohorts = [cohort] if cohort else [*of_cohorts, None]
    return {(c, p): 1 for c in cohorts for p in leaders_with(level, department)}


# ------------------------------------------------------------------ organisations
def level_org() -> tuple[Cohort, Cohort]:
    """Cohort A: 8 senior executives, 10 middle and 10 front-line managers; cohort B: 6 middle managers."""
    a, b = CohortFactory(starts_on=START), CohortFactory(starts_on=START)
    people = {
        (a, level): [member_of(a, profile__management_level=level, profile__department="Finance") for _ in range(n)]
        for level, n in ((1, 8), (2, 10), (3, 10))
    }
    people[(b, 2)] = [member_of(b, profile__management_level=2, profile__department="Finance") for _ in range(6)]
    Membership.objects.update(joined_at=datetime(2026, 1, 5, tzinfo=LONDON))
    return a, b, people


def release(cohort: Cohort, topic: int, timing: str, replying: list) -> None:
    """A prompt released in ``cohort`` as topic ``topic``, and one reply from each of ``replying``."""
    topic_type = ContentType.objects.get_for_model(Cohort)
    ActivityFactory(
        actor=facilitator_of(cohort),
        verb="prompt_released",
        cohort=cohort,
        target_type=topic_type,
        target_id=topic,
        data={"prompt": topic, "title": f"Prompt {topic}", "session": 1, "timing": timing},
        created_at=DAY,
    )
    for i, person in enumerate(replying):
        ActivityFactory(
            actor=person,
            verb="post_created",
            cohort=cohort,
            target_type=topic_type,
            target_id=10_000 * topic + i,
            context_type=topic_type,
            context_id=topic,
            created_at=DAY + timedelta(hours=1, minutes=i),
        )


@pytest.fixture
def prompt_org(db, settings):
    """Prompt 1 (A): 3 senior executives, 5 middle and 5 front-line managers reply: all levels 13 - 5 - 5
    gives the 3 away. Unscheduled prompts 2 (A, 6 replying) and 3 (B, 3 replying): all cohorts 9 replies - A's 6
    gives B's 3 away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    a, b, people = level_org()
    release(a, 1, "before_session", people[(a, 1)][:3] + people[(a, 2)][:5] + people[(a, 3)][:5])
    release(a, 2, "unscheduled", people[(a, 3)][:6])
    release(b, 3, "unscheduled", people[(b, 2)][:3])
    rollup_run()
    return a, b


def prompt_vectors(cohorts):
    def vector_of(selection, key):
        if key[0] == "prompt-timing":
            return cohort_pairs(selection, cohorts)
        return leaders_with(*selection[1:])

    return vector_of


def both_prompt_panels(scope):
    return [engagement.prompts(scope), engagement.prompt_timing(scope)]


# ------------------------------------------------------------------ (a) prompts and prompt timing
@pytest.mark.django_db
def test_a_prompt_hidden_at_one_level_cannot_be_worked_out_from_the_other_levels(prompt_org):
    plan = disclosure.plan_for(None, k=K)
    shown = pages(plan, both_prompt_panels)
    hidden = [(s, key) for s, cells in shown.items() for key, cell in cells.items() if cell.suppressed]
    assert any(key[:2] == ("prompts", "Prompt 1") and s[1] == 1 for s, key in hidden), "3 senior executives: hidden"
    assert any(key[:2] == ("prompt-timing", "Not tied to a session") for s, key in hidden)
    assert recoverable(shown, prompt_vectors(plan.cohorts)) == []
    # What a reader sees: the level of 3 reads as too few, a second level as protecting it.
    cohort_a = min(plan.cohorts)
    texts = {
        level: shown[(cohort_a, level, None)][("prompts", "Prompt 1", "People replying")].text for level in (1, 2, 3)
    }
    assert texts[1] == "hidden (fewer than 5 people)"
    assert sorted([texts[2], texts[3]]) == ["5", "hidden (protects a smaller group)"]


@pytest.mark.django_db
def test_the_prompt_attack_finds_the_holes_without_the_sibling_decision(prompt_org, monkeypatch):
    switch_off_siblings(monkeypatch)
    plan = disclosure.plan_for(None, k=K)
    found = recoverable(pages(plan, both_prompt_panels), prompt_vectors(plan.cohorts))
    assert {key[:2] for key, _ in found} == {
        ("prompts", "Prompt 1"),
        ("prompt-timing", "Before a session"),  # prompt 1 alone
        ("prompt-timing", "Not tied to a session"),
    }


@pytest.mark.django_db
def test_a_timing_is_hidden_wherever_one_of_its_listed_prompts_is(prompt_org):
    """Replies per timing are the sum of its prompts' replies on the prompts panel: a shown timing next to
    one hidden prompt and its shown siblings gives the hidden prompt's replies away by subtraction."""
    plan = disclosure.plan_for(None, k=K)
    timing_of = {
        "Prompt 1": "Before a session",
        "Prompt 2": "Not tied to a session",
        "Prompt 3": "Not tied to a session",
    }
    checked = 0
    for selection, cells in pages(plan, both_prompt_panels).items():
        for (slug, label, column), cell in cells.items():
            if slug == "prompts" and column == "Replies" and cell.suppressed:
                checked += 1
                assert cells[("prompt-timing", timing_of[label], "Replies")].suppressed, (selection, label)
    assert checked


# ------------------------------------------------------------------ (b) the programme team's own columns
@pytest.fixture
def team_org(db, settings):
    """6 facilitators of A and 3 of B post in the first week: all cohorts 9 - A's 6 gives B's 3 away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    a, b, _ = level_org()
    for cohort, n in ((a, 6), (b, 3)):
        for i in range(n):
            ActivityFactory(
                actor=facilitator_of(cohort), verb="topic_created", cohort=cohort, created_at=DAY + timedelta(minutes=i)
            )
    rollup_run()
    team = defaultdict(set)
    for actor, cohort in Activity.objects.filter(verb="topic_created").values_list("actor_id", "cohort_id"):
        team[cohort].add(actor)
    return team


def team_panel(scope):
    return [engagement.team(scope)]


def team_vectors(team, week="2026-03-02"):
    """The team members a cohort option counts, in the one week they acted (nobody acted in the others)."""

    def vector_of(selection, key):
        if key[0] == "team" and key[1] != week:
            return {}
        return dict.fromkeys(team[selection[0]] if selection[0] else set().union(*team.values()), 1)

    return vector_of


TEAM_COLUMNS = ("Team contributions", "Team members contributing")


def team_pages(plan) -> dict[tuple, dict]:
    """The team's own counts only (the leaders' column has its own decision, over the leaders)."""
    return {s: {k: c for k, c in cells.items() if k[2] in TEAM_COLUMNS} for s, cells in pages(plan, team_panel).items()}


@pytest.mark.django_db
def test_a_cohort_s_team_figures_cannot_be_worked_out_from_all_cohorts_and_the_others(team_org):
    plan = disclosure.plan_for(None, k=K)
    shown = {
        s: {k: c for k, c in cells.items() if k[2] in TEAM_COLUMNS} for s, cells in pages(plan, team_panel).items()
    }
    b = max(plan.cohorts)
    assert (
        shown[(b, None, None)][("team", "2026-03-02", "Team members contributing")].text
        == "hidden (fewer than 5 people)"
    )
    assert recoverable(shown, team_vectors(team_org)) == []


@pytest.mark.django_db
def test_the_team_attack_finds_the_hole_without_the_sibling_decision(team_org, monkeypatch):
    switch_off_siblings(monkeypatch)
    plan = disclosure.plan_for(None, k=K)
    shown = {
        s: {k: c for k, c in cells.items() if k[2] in TEAM_COLUMNS} for s, cells in pages(plan, team_panel).items()
    }
    assert recoverable(shown, team_vectors(team_org))


@pytest.fixture
def overlapping_team_org(db, settings):
    """4 facilitators post in A only, 3 in B only and 2 in both: all cohorts 9 - A's 6 = B's own 3."""
    settings.METRICS_MIN_GROUP_SIZE = K
    a, b, _ = level_org()
    for cohorts, n in (((a,), 4), ((b,), 3), ((a, b), 2)):
        for i in range(n):
            person = facilitator_of(cohorts[0])
            for cohort in cohorts:
                ActivityFactory(
                    actor=person, verb="topic_created", cohort=cohort, created_at=DAY + timedelta(minutes=i)
                )
    rollup_run()
    team = defaultdict(set)
    for actor, cohort in Activity.objects.filter(verb="topic_created").values_list("actor_id", "cohort_id"):
        team[cohort].add(actor)
    return team


def small_group_attacks(shown_pages: dict[tuple, dict], vector_of, team: dict[int, set]) -> list:
    """Groups of 1..k-1 team members (alike in the cohorts they posted in) whose figure is a sum/difference
    of shown selections' figures."""
    cohorts_of: dict[int, frozenset] = defaultdict(frozenset)
    for cohort, people in team.items():
        for person in people:
            cohorts_of[person] |= {cohort}
    alike: dict[frozenset, set] = defaultdict(set)
    for person, cohorts in cohorts_of.items():
        alike[cohorts].add(person)
    targets = [dict.fromkeys(g, 1) for g in alike.values() if len(g) < K]
    shown_in: dict[tuple, list] = defaultdict(list)
    for selection, cells in shown_pages.items():
        for key, cell in cells.items():
            if not cell.suppressed and cell.value is not None:
                shown_in[key].append(selection)
    found = []
    for key, shown in shown_in.items():
        span = Span([vector_of(s, key) for s in shown])
        found += [(key, sorted(t)) for t in targets if span.contains(t)]
    return found


@pytest.mark.django_db
def test_team_members_of_two_cohorts_do_not_let_all_minus_one_cohort_isolate_a_few(overlapping_team_org):
    plan = disclosure.plan_for(None, k=K)
    shown = team_pages(plan)
    assert not any(c.suppressed for c in shown[(None, None, None)].values())  # 9 people: shown
    assert small_group_attacks(shown, team_vectors(overlapping_team_org), overlapping_team_org) == []


@pytest.mark.django_db
def test_the_team_group_attack_finds_the_few_without_the_rule(overlapping_team_org, monkeypatch):
    switch_off_siblings(monkeypatch)
    plan = disclosure.plan_for(None, k=K)
    assert small_group_attacks(team_pages(plan), team_vectors(overlapping_team_org), overlapping_team_org)


# ------------------------------------------------------------------ (c) the programme diagnostic
DIAGNOSTIC = 7


@pytest.fixture
def diagnostic_org(db, settings):
    """6 facilitators of A and 3 of B rate the theme "Culture" before: all cohorts 9 - A's 6 gives B's 3 away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    a, b, _ = level_org()
    answered = defaultdict(set)
    for cohort, n in ((a, 6), (b, 3)):
        for i in range(n):
            person = facilitator_of(cohort)
            answered[cohort.pk].add(person.pk)
            ActivityFactory(
                actor=person,
                verb="survey_answered",
                cohort=cohort,
                created_at=DAY + timedelta(minutes=i),
                data={
                    "survey": DIAGNOSTIC,
                    "round": "before",
                    "audience": "programme",
                    "title": "Programme diagnostic",
                    "scores": {"1": 1 + i % 5},
                    "items": {"1": "We know why we run the programme"},
                    "themes": {"1": "Culture"},
                },
            )
    rollup_run()
    return answered


def diagnostic_panel(scope):
    return [surveys.diagnostic(scope)]


@pytest.mark.django_db
def test_a_cohort_s_diagnostic_cannot_be_worked_out_from_all_cohorts_and_the_others(diagnostic_org):
    plan = disclosure.plan_for(None, k=K)
    shown = pages(plan, diagnostic_panel, diagnostic_id=DIAGNOSTIC)
    b = max(plan.cohorts)
    assert shown[(b, None, None)][("diagnostic", "Culture", "Before: people")].text == "hidden (fewer than 5 people)"
    assert recoverable(shown, team_vectors(diagnostic_org)) == []
    # All cohorts (9) or A (6) is hidden too, reading as protecting a smaller group; the other is shown.
    texts = [
        shown[(option, None, None)][("diagnostic", "Culture", "Before: people")].text
        for option in (None, min(plan.cohorts))
    ]
    assert sorted(texts, key=len) in (
        ["6", "hidden (protects a smaller group)"],
        ["9", "hidden (protects a smaller group)"],
    )


@pytest.mark.django_db
def test_the_diagnostic_attack_finds_the_hole_without_the_sibling_decision(diagnostic_org, monkeypatch):
    switch_off_siblings(monkeypatch)
    plan = disclosure.plan_for(None, k=K)
    assert recoverable(pages(plan, diagnostic_panel, diagnostic_id=DIAGNOSTIC), team_vectors(diagnostic_org))


# ------------------------------------------------------------------ (d) the trends page, cohorts side by side
@pytest.fixture
def trends_org(db, settings):
    """In A's first week 3 of its 8 senior executives, 5 of 10 middle and 5 of 10 front-line managers are
    active: 13 - 5 - 5 gives the 3 away."""
    settings.METRICS_MIN_GROUP_SIZE = K
    a, b, people = level_org()
    for level, n in ((1, 3), (2, 5), (3, 5)):
        for person in people[(a, level)][:n]:
            ActivityFactory(actor=person, verb="signed_in", cohort=a, created_at=DAY)
    for person in people[(b, 2)]:
        ActivityFactory(actor=person, verb="signed_in", cohort=b, created_at=DAY)
    rollup_run()
    return a, b


def cohort_panels(scope):
    return [trends.cohort_active(scope), trends.cohort_contributors(scope)]


def trends_vectors(cohorts: dict[str, int]):
    people, facts = truth()

    def vector_of(selection, key):
        cohort = cohorts[key[2].split(":")[0]]
        return {(cohort, p): 1 for p in members_of(people, facts, cohort, *selection[1:])}

    return vector_of


@pytest.mark.django_db
def test_a_cohort_s_hidden_week_cannot_be_worked_out_from_its_other_levels(trends_org):
    plan = disclosure.plan_for(None, k=K)
    a = trends_org[0]
    shown = pages(plan, cohort_panels)
    cell = shown[(a.pk, 1, None)][("cohort-active", "Week 1", f"{a.name}: members active")]
    assert cell.text == "hidden (fewer than 5 people)"
    names = {c.name: c.pk for c in Cohort.objects.all()}
    assert recoverable(shown, trends_vectors(names)) == []
    # The same cells hidden whichever cohort option shows them.
    for (cohort, level, department), cells in shown.items():
        if cohort is None and (a.pk, level, department) in shown:
            for key, cell in cells.items():
                if key[2].startswith(a.name):
                    assert cell.suppressed == shown[(a.pk, level, department)][key].suppressed, key


@pytest.mark.django_db
def test_the_trends_attack_finds_the_hole_without_the_sibling_decision(trends_org, monkeypatch):
    switch_off_siblings(monkeypatch)
    plan = disclosure.plan_for(None, k=K)
    names = {c.name: c.pk for c in Cohort.objects.all()}
    found = recoverable(pages(plan, cohort_panels), trends_vectors(names))
    assert ("cohort-active", "Week 1", f"{trends_org[0].name}: members active") in {key for key, _ in found}


def dashboard_panels(scope):
    return [adoption.active_people(scope), adoption.contributors_and_readers(scope)]


# (trends panel, its column's verb) -> (dashboard panel, column): the same figure for a Monday-starting cohort.
SAME_FIGURE = {
    ("cohort-active", "active"): ("active", "Weekly active"),
    ("cohort-contributors", "contributed"): ("contributors", "Contributors"),
}


def cross_page_attacks(plan, cohort: Cohort, weeks=2, start=START, end=END, built=None) -> tuple[list, int]:
    """A cell hidden as too few on either page that is a sum/difference of the cohort's selections showing
    the same figure on either page (trends: week n since start; dashboard: the same calendar week)."""
    people, facts = truth()
    trend_pages, board = built or (
        pages(plan, cohort_panels, start=start, end=end),
        pages(plan, dashboard_panels, start=start, end=end),
    )
    selections_of = [s for s in trend_pages.keys() | board.keys() if s[0] == cohort.pk]
    found, small_seen = [], 0
    for (slug, verb), (board_slug, column) in SAME_FIGURE.items():
        for week in range(1, weeks + 1):
            trend_key = (slug, f"Week {week}", f"{cohort.name}: members {verb}")
            board_key = (board_slug, (cohort.starts_on + timedelta(days=7 * (week - 1))).isoformat(), column)
            shown, small = [], []
            for selection in selections_of:
                cells = [
                    c
                    for c in (trend_pages.get(selection, {}).get(trend_key), board.get(selection, {}).get(board_key))
                    if c
                ]
                if any(not c.suppressed and c.value is not None for c in cells):
                    shown.append(selection)
                elif any(c.text.startswith("hidden (fewer than") for c in cells):
                    small.append(selection)
            small_seen += len(small)
            span = Span([dict.fromkeys(members_of(people, facts, *s), 1) for s in shown])
            found += [(trend_key, s) for s in small if span.contains(dict.fromkeys(members_of(people, facts, *s), 1))]
    return found, small_seen


@pytest.mark.django_db
def test_a_hidden_week_cannot_be_worked_out_by_mixing_the_trends_page_and_the_dashboard(trends_org):
    """A starts on a Monday, so its week 1 is the dashboard's week of 2 March: the 3 senior executives must
    stay hidden whatever mix of the two pages' figures for A's levels an analyst subtracts."""
    plan = disclosure.plan_for(None, k=K)
    found, small_seen = cross_page_attacks(plan, trends_org[0])
    assert small_seen  # the 3 are hidden as too few on both pages
    assert found == []


# ------------------------------------------------------------------ the checker's random organisations
def random_pages(plan, first=date(2026, 3, 2), last=date(2026, 4, 26)):
    Cohort.objects.update(starts_on=first)
    return (
        pages(plan, both_prompt_panels, start=first, end=last),
        pages(plan, cohort_panels, start=first, end=last),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_prompt_or_side_by_side_cell_is_recoverable_in_a_random_organisation(seed, settings):
    settings.METRICS_MIN_GROUP_SIZE = K
    random_org(seed)
    plan = disclosure.plan_for(None, k=K)
    prompt_pages, trend_pages = random_pages(plan)
    names = {c.name: c.pk for c in Cohort.objects.all()}
    assert any(c.suppressed for cells in trend_pages.values() for c in cells.values())
    assert recoverable(prompt_pages, prompt_vectors(plan.cohorts)) == []
    assert recoverable(trend_pages, trends_vectors(names)) == []
    # Every cohort starts on Monday 2 March: its weeks are the dashboard's calendar weeks.
    built = (trend_pages, pages(plan, dashboard_panels, start=date(2026, 3, 2), end=date(2026, 4, 26)))
    for cohort in Cohort.objects.filter(pk__in=plan.cohorts):
        assert cross_page_attacks(plan, cohort, weeks=8, built=built)[0] == []
