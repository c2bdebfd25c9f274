"""Querysets a page runs on every request (the topic page first), compiled to SQL by Django once per thread (issue 13).

Building a queryset and compiling it costs 0.4 to 1.5 ms of CPU each; running the same SQL through a cursor
costs ≈ 0.1 ms. ``prepared(key, build)`` calls ``build`` once with stand-in values for its arguments, lets
Django compile the queryset, remembers the SQL and where each argument went among its parameters, and from
then on runs that SQL with the real arguments; rows come back through the queryset's own converters, so they
are exactly what iterating the queryset gives.

Guarantees:
- the SQL is always Django's own for that queryset (nothing written by hand); it goes through the database
  wrapper's cursor, so it is logged and counted like any query;
- ``build`` must return a ``values_list`` queryset whose shape depends on nothing but its code (no ``__in``
  lists, no values baked into the SQL text; put what changes the shape, such as the length of an ``__in`` list
  passed as arguments, into ``key``); every argument must reach the SQL parameters unchanged (ids, numbers,
  strings and aware datetimes as given, never computed from inside ``build``; each argument keeps its type
  under a key). A datetime goes through the backend's own adaptation, as Django's lookups do. When a
  stand-in is not found among the parameters, the queryset is simply iterated every time (correct, just not
  faster);
- remembered per thread and database alias, so a compiler is never shared between threads; forgotten by
  every thread after a migration or a flush (``forget_plans`` on ``post_migrate``), since values a build read
  from the database (a content type's id) may have been renumbered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import QuerySet

_local = threading.local()
_MISSING = object()
# Stand-ins: integers nothing real uses (each argument gets its own).
_STAND_IN_BASE = -7_310_000_000


def _stand_in(argument: int, value: Any) -> Any:
    """A value of ``value``'s type that no real argument has: integers, strings or aware datetimes."""
    if isinstance(value, str):
        return f"prepared-stand-in-{argument}{_STAND_IN_BASE}"
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, 6, 700_000 + argument, tzinfo=UTC)
    return _STAND_IN_BASE - argument


class _Plan:
    __slots__ = ("adapt", "alias", "compiler", "positions", "sql", "template")

    def __init__(self, alias: str, sql: str, template: list, positions: list[tuple[int, int, bool]], compiler):
        self.alias, self.sql, self.template, self.positions, self.compiler = alias, sql, template, positions, compiler
        self.adapt = connections[alias].ops.adapt_datetimefield_value

    def params(self, args: tuple) -> list:
        """The compiled SQL's parameters with ``args`` where the stand-ins were."""
        params = list(self.template)
        for position, argument, adapted in self.positions:
            params[position] = self.adapt(args[argument]) if adapted else args[argument]
        return params


def _positions(params: list, stand_ins: list, adapt) -> list[tuple[int, int, bool]] | None:
    """Where each stand-in went among the parameters (and whether as the backend's adapted text), or None."""
    positions: list[tuple[int, int, bool]] = []
    for argument, stand_in in enumerate(stand_ins):
        found = [(i, argument, False) for i, value in enumerate(params) if value == stand_in]
        if not found and isinstance(stand_in, datetime):  # e.g. SQLite passes datetimes as text
            adapted = adapt(stand_in)
            found = [(i, argument, True) for i, value in enumerate(params) if value == adapted]
        if not found:
            return None
        positions.extend(found)
    return positions


_generation = 0  # bumped by forget_plans(); a thread whose plans are older starts afresh


def forget_plans(**kwargs: Any) -> None:
    """Make every thread compile its plans again (connected to ``post_migrate``, which migrate and flush send).

    A build may read values from the database that end up among the SQL's parameters, such as a content
    type's id; they do not change while a process serves, but a migration or a flush (tests) may renumber them.
    """
    global _generation
    _generation += 1


def _thread_plans() -> dict:
    """This thread's plans by key (a compiler is never shared between threads)."""
    plans = getattr(_local, "plans", None)
    if plans is None or getattr(_local, "generation", None) != _generation:
        plans = _local.plans = {}
        _local.generation = _generation
    return plans


def _compiled(build: Callable[..., QuerySet], stand_ins: list):
    """``build(*stand_ins)`` compiled by Django: (alias, compiler, SQL, parameters)."""
    queryset = build(*stand_ins)
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    return queryset.db, compiler, sql, list(params)


def _plan(key: str, build: Callable[..., QuerySet], args: tuple):
    plans = _thread_plans()
    plan = plans.get(key, _MISSING)
    if plan is not _MISSING:
        return plan
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    alias, compiler, sql, params = _compiled(build, stand_ins)
    positions = _positions(params, stand_ins, connections[alias].ops.adapt_datetimefield_value)
    if positions is None:
        plans[key] = None
        return None
    plan = plans[key] = _Plan(alias, sql, params, positions, compiler)
    return plan


def prepared(key: str, build: Callable[..., QuerySet], *args: Any) -> list[tuple]:
    """The rows of ``build(*args)`` (a values_list queryset), from SQL compiled once per thread under ``key``."""
    plan = _plan(key, build, args)
    if plan is None:
        return list(build(*args))
    with connections[plan.alias].cursor() as cursor:
        cursor.execute(plan.sql, plan.params(args))
        rows = cursor.fetchall()
    return list(plan.compiler.results_iter(results=[rows], tuple_expected=True))
