"""Disclosure control: the one module that decides what any dashboard, CSV, comparison or e-mail may show.

Every figure leaves the metrics app as a ``Cell`` built here, and every scope is checked against a
``Plan`` built here, so the privacy floor (``k``, METRICS_MIN_GROUP_SIZE) is enforced in one place:

1. **Populations.** The people a filter covers (cohort x management level x department) are its
   population. A selection with fewer than k people shows no figures at all, with a sentence
   saying why (``Plan.refusal``).
2. **Filter values and subtraction.** Filter selections overlap (all levels = level 1 + level 2 +
   level 3 + no level), so figures of several selections can be added and subtracted. ``plan``
   groups people into *classes*: people who are in exactly the same offered selections. Any set
   of people whose figures can be worked out by adding and subtracting offered selections is a
   union of classes, so when every class holds at least k people, no arithmetic over filter
   values isolates fewer than k people. ``plan`` withholds the smallest filter values (a level, a
   department, a cohort) until that holds (complementary suppression across filter values); a
   withheld value is not offered as a filter and its rows are withheld from every breakdown.
3. **Cells.** A count of people between 1 and k-1 is hidden; a count of events is shown only when
   the distinct people behind it reach k; a mean, median or share only when it rests on k people.
4. **Parts of a shown whole.** Where cells add up to a total shown on the same page (contributors
   and readers of the week's active people, the ratings of one statement), the hidden cells
   together must describe 0 or at least k people, so more cells are hidden until they do; a part
   whose difference from its shown whole is 1..k-1 people is hidden too (``part_of``).

5. **The same figure across selections** (``Siblings``). A figure small in one selection (3 of 20
   senior executives active) is hidden in enough other offered selections that no hidden one is a
   sum/difference of shown ones (complementary suppression, across levels, departments and cohorts).
   Panels give each figure per row group (cohort, level, department) for every selection at once;
   which selections hide it depends only on the plan and where it is small, so the same cells are
   hidden whichever selection is opened (``Scope.hides``, ``figures.shield``).
6. **Dates** (``over_weeks``). Ranges are whole weeks (``metrics.forms.whole_weeks``); a figure summed
   over a range's weeks is hidden when any of its weeks is small, or hidden by rule 5 in that week.

A hidden cell reads ``hidden (fewer than k people)`` when it is itself small, and ``hidden (protects
a smaller group)`` when it was hidden only so a small one cannot be worked out: never a false
"fewer than k" on a large figure.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.memo import ProcessMemo

NA = "n/a"  # not applicable: nothing to compute (e.g. no answered topics)


def primary_text(k: int) -> str:
    return f"hidden (fewer than {k} people)"


def secondary_text(k: int) -> str:
    return "hidden (protects a smaller group)"


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # what the chart plots (None when suppressed or not applicable)
    text: str  # what the table shows and the CSV holds
    suppressed: bool = False
    # The true figure behind a hidden cell, kept only so complementary suppression can reason about
    # it. Never rendered: templates, charts and CSVs read ``value`` and ``text``.
    raw: float | int | None = field(default=None, compare=False, repr=False)


def _hidden(people: int | None, k: int) -> bool:
    """A figure describing 1..k-1 people is hidden; zero describes nobody and is shown."""
    return bool(k) and people is not None and 0 < people < k


def _primary(raw, k: int) -> Cell:
    return Cell(None, primary_text(k), True, raw)


def _secondary(cell: Cell, k: int) -> Cell:
    return Cell(None, secondary_text(k), True, cell.value if cell.raw is None else cell.raw)


def count(n: int | None, *, people: int | None = None, k: int = 0) -> Cell:
    """A count; ``people`` is how many distinct people it describes (defaults to ``n`` itself)."""
    if n is None:
        return Cell(None, NA)
    if _hidden(n if people is None else people, k):
        return _primary(int(n), k)
    return Cell(int(n), str(int(n)), raw=int(n))


def number(value: float | None, *, people: int | None, k: int = 0, digits: int = 1) -> Cell:
    """A mean, ratio or duration that describes ``people`` people."""
    if value is None:
        return Cell(None, NA)
    if _hidden(people, k):
        return _primary(value, k)
    rounded = round(float(value), digits)
    return Cell(rounded, f"{rounded:.{digits}f}", raw=rounded)


def percent(part: int | None, whole: int | None, *, people: int | None, k: int = 0) -> Cell:
    if not whole or part is None:
        return Cell(None, NA)
    return number(100.0 * part / whole, people=people, k=k)


def text(value: object) -> Cell:
    return Cell(None, "" if value is None else str(value))


def hide_like(cell: Cell, reason: Cell) -> Cell:
    """``cell`` hidden because ``reason`` (a count it is derived from) is hidden."""
    if cell.suppressed or not reason.suppressed:
        return cell
    return Cell(None, reason.text, True, cell.raw if cell.raw is not None else cell.value)


def withheld(plan: Plan | None, cohort_ids, level=None, department=None) -> Cell:
    """The cell of a breakdown row the plan withholds (a level or department too small, or protecting one)."""
    k = plan.k if plan else 0
    small = plan is not None and plan.population(cohort_ids, level, department) < k
    return Cell(None, primary_text(k) if small else secondary_text(k), True)


def _people(cell: Cell) -> float:
    return cell.raw if cell.raw is not None else (cell.value or 0)


def partition(cells: list[Cell], k: int) -> list[Cell]:
    """Cells that add up to a whole shown elsewhere on the page (people or events of people).

    Guarantees: the hidden cells together add up to 0 or at least k, so the whole minus the shown
    cells never reveals a figure about 1..k-1 people; the cells hidden to achieve that are the
    smallest non-zero ones and read as protecting a smaller group.
    """
    if not k:
        return cells
    cells = list(cells)
    while True:
        hidden_total = sum(_people(c) for c in cells if c.suppressed)
        if not 0 < hidden_total < k:
            return cells
        shown = [(_people(c), i) for i, c in enumerate(cells) if not c.suppressed and _people(c)]
        if not shown:
            return cells
        _, index = min(shown)
        cells[index] = _secondary(cells[index], k)


def for_siblings(cell: Cell, k: int) -> Cell:
    """``cell`` hidden so that the same figure, hidden as small in another selection, cannot be recomputed."""
    if cell.suppressed or cell.value is None:
        return cell
    return _secondary(cell, k)


def part_of(part: Cell, whole: int | None, k: int) -> Cell:
    """A count of people that is part of a whole shown beside it: hidden if the rest is 1..k-1 people."""
    if part.suppressed or part.value is None or whole is None or not k:
        return part
    if 0 < whole - part.value < k:
        return _secondary(part, k)
    return part


def over_weeks(cell: Cell, weekly_people: Iterable[int | None], k: int) -> Cell:
    """A figure summed over the weeks of a date range: hidden when any week's part describes 1..k-1 people.

    Dashboard ranges are whole weeks, so two offered ranges differ by whole weeks and any sum or
    difference of ranges is a sum of weeks. When every week shown inside some range is 0 or rests
    on at least k people, no arithmetic over ranges isolates a week (or weeks) about fewer than k.
    """
    if cell.suppressed or cell.value is None or not k:
        return cell
    if any(_hidden(people, k) for people in weekly_people):
        return _secondary(cell, k)
    return cell


def change(a: Cell, b: Cell, *, digits: int = 1) -> tuple[Cell, Cell]:
    """B minus A and the change in per cent of A; hidden when either side is hidden."""
    if a.suppressed or b.suppressed:
        return Cell(None, NA, True), Cell(None, NA, True)
    if a.value is None or b.value is None:
        return Cell(None, NA), Cell(None, NA)
    diff = round(b.value - a.value, digits)
    is_float = isinstance(a.value, float) or isinstance(b.value, float)
    diff_text = f"{diff:+.{digits}f}" if is_float else f"{int(diff):+d}"
    if not a.value:
        return Cell(diff, diff_text), Cell(None, NA)
    pct = round(100.0 * (b.value - a.value) / abs(a.value), 1)
    return Cell(diff, diff_text), Cell(pct, f"{pct:+.1f}")


# ---------------------------------------------------------------------------------------------
# Populations, filter values and complementary suppression across them.

ALL = "all"
Query = tuple  # (cohort option, level or None, department or None)


@dataclass(frozen=True)
class Atom:
    """People who share every filterable fact: the cohorts they belong to, their level and department."""

    cohorts: frozenset[int]
    level: int | None
    department: str
    people: int


def _queries_of(atom: Atom, cohorts: Iterable, levels: set, departments: set) -> list[Query]:
    options = [ALL, *(c for c in atom.cohorts if c in cohorts)]
    lv = [None, atom.level] if atom.level in levels else [None]
    dp = [None, atom.department] if atom.department in departments else [None]
    return [(c, level, dept) for c in options for level in lv for dept in dp]


def _evaluate(atoms: list[Atom], cohorts: set, levels: set, departments: set, k: int):
    """Populations of every selection, and the classes (people in exactly the same offered selections)."""
    populations: dict[Query, int] = defaultdict(int)
    memberships = [_queries_of(a, cohorts, levels, departments) for a in atoms]
    for atom, queries in zip(atoms, memberships, strict=True):
        for q in queries:
            populations[q] += atom.people
    classes: dict[frozenset, int] = defaultdict(int)
    for atom, queries in zip(atoms, memberships, strict=True):
        signature = frozenset(q for q in queries if populations[q] >= k)
        if signature:
            classes[signature] += atom.people
    small = sum(1 for n in classes.values() if 0 < n < k)
    return dict(populations), small


@dataclass
class Plan:
    """What a viewer's dashboards may show: offered filter values, and every selection's population."""

    k: int
    cohorts: frozenset[int]  # cohort options offered (besides "all")
    levels: frozenset[int]
    departments: frozenset[str]
    withheld_cohorts: frozenset[int]
    withheld_levels: frozenset[int]
    withheld_departments: frozenset[str]
    populations: dict[Query, int]
    all_cohorts: frozenset[int] | None  # the viewer's "all": None for every cohort and organisation-wide
    atoms: list[Atom] = field(default_factory=list, repr=False)
    _siblings: Siblings | None = field(default=None, repr=False, compare=False)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)
    members: list[dict] = field(default_factory=list, repr=False, compare=False)  # MemberStatus rows of "all"

    def memo(self, key, compute):
        """``compute()`` once per plan (one request): panels sharing sibling figures read them once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def siblings(self) -> Siblings:
        """Complementary suppression across this plan's offered selections (built once per plan)."""
        if self._siblings is None:
            self._siblings = Siblings(self, self.atoms)
        return self._siblings

    def hides(self, figures, cohort_ids, level=None, department=None) -> bool:
        """Must this selection hide a figure given per row group, so no hidden one is recomputed from siblings?"""
        if not self.k:
            return False
        return self.key(cohort_ids, level, department) in self.siblings.hidden(figures)

    def hides_within(self, figures, option, level=None, department=None) -> bool:
        """Must a figure only ``option``'s selections show be hidden at this level and department?
        (``Siblings.hidden_within``)"""
        if not self.k:
            return False
        return (level or None, department or None) in self.siblings.hidden_within(figures, option)

    def hides_largest(self, parts, cohort_ids, level=None, department=None) -> bool:
        """Must this selection hide a count of events resting on its largest part? (``Siblings.hidden_largest``)"""
        if not self.k:
            return False
        return self.key(cohort_ids, level, department) in self.siblings.hidden_largest(parts)

    def cohort_options(self) -> list:
        """The cohort options offered: "all" (when it may be shown) and every cohort offered on its own."""
        options = [ALL] if self.shows(self.all_cohorts) else []
        return options + sorted(c for c in self.cohorts if self.shows(frozenset({c})))

    def hidden_options(self, reach: Iterable[Iterable]) -> frozenset:
        """The cohort options hiding a figure that ignores level and department (the programme team's own
        figures, the programme diagnostic).

        ``reach`` holds, for each person behind the figure, the options whose figure counts them. People
        reached by the same options form a group; an option's figure is the sum of its groups, so the
        option hides the figure where it describes 1..k-1 people and, as in ``Siblings``, more options
        hide it until no hidden one is a sum/difference of shown ones (across cohorts and "all"). These
        people are not the plan's (team members are in no filter), so rule 2 is applied here too: more
        options hide it until the people in exactly the same shown options number 0 or at least k (a
        facilitator of two cohorts makes "all" minus one cohort describe the other's own few).
        Guarantees: the same options whichever one is opened; no hidden figure, and no group of 1..k-1 of
        these people, is a sum/difference of the shown options' figures.
        """
        options = self.cohort_options()
        if not self.k or not options:
            return frozenset()
        index = {o: i for i, o in enumerate(options)}
        groups: dict[frozenset[int], int] = defaultdict(int)
        for person in reach:
            groups[frozenset(index[o] for o in person if o in index)] += 1
        atoms = [g for g in groups if g]
        vectors = [{a: 1 for a, g in enumerate(atoms) if i in g} for i in range(len(options))]
        people = [sum(groups[g] for g in atoms if i in g) for i in range(len(options))]
        primary = [i for i, n in enumerate(people) if _hidden(n, self.k)]
        sizes = [self.populations.get((o, None, None), 0) for o in options]

        def order(i: int) -> tuple:
            return (sizes[i], i)

        def small_classes(hidden: set[int]) -> int:
            classes: dict[frozenset[int], int] = defaultdict(int)
            for g in atoms:
                if signature := g - hidden:
                    classes[signature] += groups[g]
            return sum(1 for n in classes.values() if _hidden(n, self.k))

        hidden = set(primary)
        while True:
            hidden = set(complete(vectors, hidden, order=order, among=range(len(options))))
            if not small_classes(hidden):
                return frozenset(options[i] for i in hidden)
            # Greedy, as ``build_plan``: hide the option leaving the fewest small classes (ties: the smallest).
            shown = [i for i in range(len(options)) if i not in hidden]
            hidden.add(min(shown, key=lambda i: (small_classes(hidden | {i}), order(i))))

    def option_of(self, cohort_ids: frozenset[int] | None):
        """The cohort option a scope's cohorts stand for (``ALL`` or a cohort id), None when none."""
        key = self.key(cohort_ids, None, None)
        return key[0] if key else None

    def key(self, cohort_ids: frozenset[int] | None, level: int | None, department: str | None) -> Query | None:
        """The selection a scope stands for, or None when it is no selection the plan knows."""
        if cohort_ids is None or cohort_ids == self.all_cohorts:
            option = ALL
        elif len(cohort_ids) == 1:
            option = next(iter(cohort_ids))
        else:
            return None
        return (option, level or None, department or None)

    def population(self, cohort_ids, level=None, department=None) -> int:
        key = self.key(cohort_ids, level, department)
        return self.populations.get(key, 0) if key else 0

    def shows(self, cohort_ids, level=None, department=None) -> bool:
        """May figures of this selection appear (as a page, or as a row of a breakdown)?"""
        return self.refusal(cohort_ids, level, department) is None

    def refusal(self, cohort_ids, level=None, department=None) -> str | None:
        """None when the selection may be shown, else the plain sentence that says why not."""
        if not self.k:
            return None
        key = self.key(cohort_ids, level, department)
        if key is None:
            return "This selection cannot be shown."
        if self.populations.get(key, 0) < self.k:
            return (
                f"This selection covers fewer than {self.k} people, so no figures are shown: any figure would "
                "describe identifiable individuals. Widen the selection (more cohorts, all levels or all "
                "departments)."
            )
        option = key[0]
        if option != ALL and option in self.withheld_cohorts:
            return (
                f"Figures for this cohort are withheld: together with the other cohorts they would let a group "
                f"of fewer than {self.k} people be worked out by subtraction."
            )
        if level and level in self.withheld_levels:
            return (
                "Figures for this management level are withheld: showing them would let a group of fewer than "
                f"{self.k} people be worked out by subtraction."
            )
        if department and department in self.withheld_departments:
            return (
                "Figures for this department are withheld: showing them would let a group of fewer than "
                f"{self.k} people be worked out by subtraction."
            )
        return None


def build_plan(atoms: list[Atom], *, k: int, all_cohorts: frozenset[int] | None) -> Plan:
    """Offer as many filter values as possible while every class of people holds at least k.

    Greedy: while some class is small, withhold the level, department or cohort whose removal leaves
    the fewest small classes (ties: the value covering fewest people). Terminates: every step removes
    one value, and with none left the only selection is "all", a single class.
    """
    cohorts = {c for a in atoms for c in a.cohorts}
    if all_cohorts is not None:
        cohorts &= set(all_cohorts)
    levels = {a.level for a in atoms if a.level is not None}
    departments = {a.department for a in atoms if a.department}
    every = (set(cohorts), set(levels), set(departments))
    if k:  # a value covering fewer than k people in the viewer's scope is never offered
        cohorts = {c for c in cohorts if _value_size(atoms, "cohort", c) >= k}
        levels = {lv for lv in levels if _value_size(atoms, "level", lv) >= k}
        departments = {d for d in departments if _value_size(atoms, "department", d) >= k}
    populations, small = _evaluate(atoms, cohorts, levels, departments, k)
    if k:
        while small:
            best = None
            for kind, values in (("cohort", cohorts), ("level", levels), ("department", departments)):
                for value in values:
                    trial = {
                        "cohort": (cohorts - {value}, levels, departments),
                        "level": (cohorts, levels - {value}, departments),
                        "department": (cohorts, levels, departments - {value}),
                    }[kind]
                    _, trial_small = _evaluate(atoms, *trial, k)
                    size = _value_size(atoms, kind, value)
                    rank = (trial_small, size, kind, str(value))
                    if best is None or rank < best[0]:
                        best = (rank, trial)
            if best is None:
                break
            cohorts, levels, departments = (set(x) for x in best[1])
            populations, small = _evaluate(atoms, cohorts, levels, departments, k)
    populations, _ = _evaluate(atoms, *every, k)  # every selection's true size, offered or not
    return Plan(
        k=k,
        cohorts=frozenset(cohorts),
        levels=frozenset(levels),
        departments=frozenset(departments),
        withheld_cohorts=frozenset(every[0] - cohorts),
        withheld_levels=frozenset(every[1] - levels),
        withheld_departments=frozenset(every[2] - departments),
        populations=populations,
        all_cohorts=all_cohorts,
        atoms=atoms,
    )


def _value_size(atoms: list[Atom], kind: str, value) -> int:
    if kind == "cohort":
        return sum(a.people for a in atoms if value in a.cohorts)
    if kind == "level":
        return sum(a.people for a in atoms if a.level == value)
    return sum(a.people for a in atoms if a.department == value)


MEMBER_FIELDS = (
    "cohort_id",
    "person_key",
    "actor_id",
    "management_level",
    "department",
    "invited_on",
    "joined_on",
    "signed_in_on",
    "profile_completed_on",
    "policy_acknowledged_on",
    "first_post_on",
    "first_entry_on",
    "first_contribution_on",
)


def member_rows(all_cohorts: frozenset[int] | None) -> list[dict]:
    """The viewer's MemberStatus rows (members and outstanding invitations), in one query."""
    from .models import MemberStatus

    qs = MemberStatus.objects.all()
    if all_cohorts is not None:
        qs = qs.filter(cohort_id__in=all_cohorts)
    return list(qs.values(*MEMBER_FIELDS).order_by("cohort_id", "person_key"))


def atoms_for(all_cohorts: frozenset[int] | None, rows: list[dict] | None = None) -> list[Atom]:
    """The viewer's population: people grouped by their cohorts, level and department."""
    people: dict[object, dict] = {}
    for row in member_rows(all_cohorts) if rows is None else rows:
        cohort_id, key, actor_id = row["cohort_id"], row["person_key"], row["actor_id"]
        level, department = row["management_level"], row["department"]
        person = actor_id if actor_id is not None else key
        entry = people.setdefault(person, {"cohorts": set(), "level": level, "department": department or ""})
        entry["cohorts"].add(cohort_id)
    grouped: dict[tuple, int] = defaultdict(int)
    for entry in people.values():
        grouped[(frozenset(entry["cohorts"]), entry["level"], entry["department"])] += 1
    return [Atom(c, lv, d, n) for (c, lv, d), n in grouped.items()]


def plan_for(all_cohorts: frozenset[int] | None, *, k: int) -> Plan:
    """The plan of a viewer whose "all cohorts" is ``all_cohorts`` (None: every cohort).

    One query: the member rows it reads also give panels their figures per row group (``Plan.members``).
    """
    rows = member_rows(all_cohorts)
    plan = build_plan(atoms_for(all_cohorts, rows), k=k, all_cohorts=all_cohorts)
    plan.members = rows
    return plan


# ---------------------------------------------------------------------------------------------
# Complementary suppression across selections (secondary suppression, as statistics offices do it).

RowAtom = tuple  # (cohort id or None, management level or None, department) of rollup rows
P = 2**61 - 1  # exact arithmetic modulo a large prime: no floating-point rank errors


class _Span:
    """Sums and differences of selections (0/1 vectors over groups of people), remembering which selections.

    Kept in row echelon form: each basis row has its pivot (its smallest column) and nothing left of it, and
    rows are reduced in ascending pivot order, so adding a row never rewrites the others. The selections an
    ``express`` uses do not depend on that: the rows added are independent, so a combination of them is unique.
    """

    def __init__(self):
        self.basis: dict[int, tuple[dict[int, int], dict[int, int]]] = {}  # pivot -> (row, combination)
        self.pivots: list[int] = []  # ascending

    def copy(self) -> _Span:
        """A span to add to without changing this one (rows are never modified once added)."""
        other = _Span()
        other.basis, other.pivots = dict(self.basis), list(self.pivots)
        return other

    def _reduce(self, row: dict[int, int], combo: dict[int, int]):
        row, combo = dict(row), dict(combo)
        for pivot in self.pivots:
            factor = row.get(pivot, 0)
            if factor:
                basis_row, basis_combo = self.basis[pivot]
                for col, value in basis_row.items():
                    row[col] = (row.get(col, 0) - factor * value) % P
                for col, value in basis_combo.items():
                    combo[col] = (combo.get(col, 0) - factor * value) % P
        return {c: v for c, v in row.items() if v}, {c: v for c, v in combo.items() if v}

    def add(self, row: dict[int, int], index: int) -> None:
        row, combo = self._reduce(row, {index: 1})
        if not row:
            return
        pivot = min(row)
        inverse = pow(row[pivot], P - 2, P)
        self.basis[pivot] = (
            {c: v * inverse % P for c, v in row.items()},
            {c: v * inverse % P for c, v in combo.items()},
        )
        insort(self.pivots, pivot)

    def express(self, row: dict[int, int]) -> set[int] | None:
        """The selections a sum/difference giving ``row`` uses, or None when no such sum exists."""
        rest, combo = self._reduce(row, {})
        if rest:
            return None
        return set(combo)  # row = -combo(...) after reduction: the same selections, signs aside


# complete() is a pure function of the selections' vectors, their sizes, the primary cells and the selections
# considered: its answers are kept per process (bounded, least recently used first out), so a dashboard opened
# again, by anyone, on the same data does not redo the elimination. New activity that changes any small cell
# or any population changes the key; nothing about a person is kept that the key does not already hold.
_DECIDED = ProcessMemo(4096)


class Siblings:
    """Every offered selection of a plan, and which of them hide a figure so no hidden one can be recomputed.

    A figure is given per group of rows (``RowAtom``); a selection where it describes 1..k-1 people is
    hidden (primary). Then, as long as some hidden selection's people are a sum/difference of shown
    selections (the same arithmetic the disclosure checker tries), the smallest selection that sum uses
    is hidden too (secondary). The choice depends only on the plan and which selections are small, so
    the same cells are hidden whichever selection the analyst opens.
    """

    def __init__(self, plan: Plan, atoms: list[Atom]):
        self.plan = plan
        self.atoms = atoms
        self.offered: list[Query] = sorted(
            (q for q, n in plan.populations.items() if n >= plan.k and self._offered(q)), key=_order
        )
        self.vectors = [{i: 1 for i, a in enumerate(atoms) if _people_in(q, a)} for q in self.offered]
        self._decided: dict[frozenset[int], frozenset[int]] = {}
        self._within: dict[tuple, frozenset[int]] = {}
        self._selections_of: dict[RowAtom, list[int]] = {}
        self._prefixes: dict[tuple, dict[int, _Span]] = {}  # complete()'s spans of shown selections, reused
        self._fingerprint: tuple | None = None

    def _offered(self, q: Query) -> bool:
        option, level, department = q
        if option != ALL and option not in self.plan.cohorts:
            return False
        cohort_ids = self.plan.all_cohorts if option == ALL else frozenset({option})
        return self.plan.shows(cohort_ids, level, department)

    def _containing(self, group: RowAtom) -> list[int]:
        if group not in self._selections_of:
            self._selections_of[group] = [i for i, q in enumerate(self.offered) if _row_in(q, group)]
        return self._selections_of[group]

    def small(self, figures: Iterable[dict]) -> frozenset[int]:
        """Offered selections (indices) in which any of ``figures`` describes 1..k-1 people."""
        small: set[int] = set()
        k = self.plan.k
        for figure in figures:
            counts: dict[int, int] = defaultdict(int)
            people: dict[int, set] = defaultdict(set)
            large: set[int] = set()  # selections holding a group of k or more people: never small
            for group, n in figure.items():
                if isinstance(n, (set, frozenset)):
                    if len(n) >= k:
                        # No union needs these people: the selections holding them have k or more.
                        large.update(self._containing(group))
                        continue
                    for i in self._containing(group):
                        people[i] |= n
                else:
                    for i in self._containing(group):
                        counts[i] += n
            for i, members in people.items():
                counts[i] = len(members)
            for i in large:
                counts[i] = k
            small.update(i for i, n in counts.items() if _hidden(n, k))
        return frozenset(small)

    def hidden(self, figures: Iterable[dict[RowAtom, int]]) -> frozenset[Query]:
        """The selections in which a figure (given per row group; several: hidden when any is small) is hidden."""
        primary = self.small(figures)
        if primary not in self._decided:
            self._decided[primary] = self._complete(primary)
        return frozenset(self.offered[i] for i in self._decided[primary])

    def _complete(self, primary: frozenset[int], among: Iterable[int] | None = None) -> frozenset[int]:
        among = tuple(range(len(self.vectors)) if among is None else among)
        if self._fingerprint is None:  # what complete() depends on: the selections' people and sizes
            self._fingerprint = (
                tuple(tuple(sorted(v)) for v in self.vectors),
                tuple(self.plan.populations[q] for q in self.offered),
            )
        key = (self._fingerprint, primary, among)
        found = _DECIDED.get(key)
        if found is not None:
            return found
        found = complete(
            self.vectors,
            primary,
            order=lambda i: (self.plan.populations[self.offered[i]], i),
            among=among,
            prefixes=self._prefixes,
        )
        _DECIDED.put(key, found)
        return found

    def hidden_within(self, figures: Iterable[dict], option) -> frozenset[tuple]:
        """The (level, department) pairs hiding a figure that only one cohort option's selections show.

        For figures whose value does not depend on the cohort option, only on level and department (one
        prompt's replies: the same under "all cohorts" as under its own cohort; one cohort's column on the
        trends page: the same under "all cohorts" as under that cohort). The arithmetic an analyst can do
        is then over the selections of ``option`` alone (``ALL`` or a cohort id), and every option showing
        the figure must hide it at the same (level, department), or the hidden value would be read there.
        """
        among = [i for i, q in enumerate(self.offered) if q[0] == option]
        primary = self.small(figures) & frozenset(among)
        key = (option, primary)
        if key not in self._within:
            self._within[key] = self._complete(primary, among)
        return frozenset(self.offered[i][1:] for i in self._within[key])

    def hidden_largest(self, parts: Iterable[dict]) -> frozenset[Query]:
        """The selections hiding a count of events resting on its largest part (replies to several prompts,
        whose distinct people are unknown): small where the largest part describes 1..k-1 people."""
        largest: dict[int, int] = defaultdict(int)
        for part in parts:
            counts: dict[int, int] = defaultdict(int)
            for group, n in part.items():
                for i in self._containing(group):
                    counts[i] += n
            for i, n in counts.items():
                largest[i] = max(largest[i], n)
        primary = frozenset(i for i, n in largest.items() if _hidden(n, self.plan.k))
        if primary not in self._decided:
            self._decided[primary] = self._complete(primary)
        return frozenset(self.offered[i] for i in self._decided[primary])


def complete(
    vectors: list[dict[int, int]],
    primary: Iterable[int],
    *,
    order,
    among: Iterable[int],
    prefixes: dict | None = None,
) -> frozenset[int]:
    """Secondary suppression: hide more of ``among`` until no hidden one is a sum/difference of shown ones.

    ``vectors[i]`` is selection i as a set of groups of people; ``order`` ranks the candidates (the
    smallest selection a recovering sum uses is hidden next). Guarantees: no index of the result is in
    the span of the indices of ``among`` left shown.

    ``prefixes`` (a dict the caller keeps for the same ``vectors``) remembers the span of the shown
    selections that come before the first hidden one, so later calls start from it instead of from nothing;
    the selections are always added in the order of ``among``, so the result is the same with or without it.
    """
    among = tuple(among)
    kept = prefixes.setdefault(among, {0: _Span()}) if prefixes is not None else {0: _Span()}
    hidden = set(primary)
    while hidden:
        first = next((n for n, i in enumerate(among) if i in hidden), len(among))
        start = max(n for n in kept if n <= first)
        span = kept[start].copy()
        for n in range(start, len(among)):
            if n == first and prefixes is not None and first not in kept:
                kept[first] = span.copy()
            if among[n] not in hidden:
                span.add(vectors[among[n]], among[n])
        for h in sorted(hidden):
            used = span.express(vectors[h])
            if used:
                hidden.add(min(used, key=order))
                break
        else:
            break
    return frozenset(hidden)


def people_in(q: Query, figure: dict[RowAtom, int | set]) -> int:
    """People behind a figure in selection ``q``: a sum of counts per group, or the union of sets of people."""
    parts = [n for atom, n in figure.items() if _row_in(q, atom)]
    if parts and isinstance(parts[0], (set, frozenset)):
        return len(set().union(*parts))
    return sum(parts)


def _order(q: Query):
    return tuple((0, "") if v in (None, ALL) else (1, str(v)) for v in q)


def _people_in(q: Query, atom: Atom) -> bool:
    option, level, department = q
    return (
        (option == ALL or option in atom.cohorts)
        and (level is None or atom.level == level)
        and (department is None or atom.department == department)
    )


def _row_in(q: Query, atom: RowAtom) -> bool:
    option, level, department = q
    cohort_id, row_level, row_department = atom
    return (
        option in (ALL, cohort_id)
        and (level is None or row_level == level)
        and (department is None or (row_department or "") == department)
    )
