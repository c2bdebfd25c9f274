"""Secondary suppression's elimination (``metrics.disclosure.complete``), checked against a plain reference:
exact fractions, the span of the shown selections rebuilt from nothing at every step, as the rule reads. The
faster elimination (row echelon form, spans of the shown selections reused between calls, answers kept per
process) must hide exactly the same selections, and never leave a hidden one recomputable from shown ones."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from metrics.disclosure import complete


def _eliminate(basis, row: dict[int, Fraction], combo: dict[int, Fraction]):
    """``row`` (and the combination of selections it stands for) reduced by the basis, pivots ascending."""
    for b_row, b_combo in basis:
        pivot = min(b_row)
        if row.get(pivot):
            f = row[pivot] / b_row[pivot]
            for c, v in b_row.items():
                row[c] = row.get(c, 0) - f * v
            for c, v in b_combo.items():
                combo[c] = combo.get(c, 0) - f * v
            row = {c: v for c, v in row.items() if v}
    return row, {c: v for c, v in combo.items() if v}


def _in_span(vectors: list[dict[int, int]], target: dict[int, int]) -> set[int] | None:
    """The selections a sum/difference giving ``target`` uses (by Gaussian elimination over fractions)."""
    basis: list[tuple[dict[int, Fraction], dict[int, Fraction]]] = []
    for index, vector in enumerate(vectors):
        row, combo = _eliminate(basis, {c: Fraction(v) for c, v in vector.items()}, {index: Fraction(1)})
        if row:
            basis.append((row, combo))
            basis.sort(key=lambda b: min(b[0]))
    row, combo = _eliminate(basis, {c: Fraction(v) for c, v in target.items()}, {})
    return None if row else set(combo)


def reference(vectors, primary, *, order, among):
    among = list(among)
    hidden = set(primary)
    while hidden:
        shown = [i for i in among if i not in hidden]
        for h in sorted(hidden):
            used = _in_span([vectors[i] for i in shown], vectors[h])
            if used:
                hidden.add(min((shown[u] for u in used), key=order))
                break
        else:
            break
    return frozenset(hidden)


def organisation(rng: random.Random, groups: int, selections: int) -> list[dict[int, int]]:
    """Selections as sets of groups of people: "everyone", some unions of groups, and each group alone."""
    vectors = [{g: 1 for g in range(groups)}]
    for _ in range(selections):
        picked = rng.sample(range(groups), rng.randint(1, groups - 1))
        vectors.append({g: 1 for g in picked})
    return vectors


@pytest.mark.parametrize("seed", range(40))
def test_the_elimination_hides_what_the_rule_says(seed):
    rng = random.Random(seed)
    vectors = organisation(rng, groups=rng.randint(3, 14), selections=rng.randint(4, 30))
    sizes = [rng.randint(5, 60) for _ in vectors]
    order = lambda i: (sizes[i], i)  # noqa: E731  the smallest selection a recovering sum uses goes first
    among = range(len(vectors))
    prefixes: dict = {}
    for _ in range(4):  # several figures of one page: the kept spans are shared between them
        primary = frozenset(rng.sample(range(len(vectors)), rng.randint(1, 3)))
        expected = reference(vectors, primary, order=order, among=among)
        assert complete(vectors, primary, order=order, among=among, prefixes=prefixes) == expected
        assert complete(vectors, primary, order=order, among=among) == expected
        shown = [i for i in among if i not in expected]
        for h in expected:  # nothing hidden is a sum or difference of what is shown
            assert _in_span([vectors[i] for i in shown], vectors[h]) is None
