"""``portal.prepared`` for querysets of model instances: the home page's and the site chrome's reads (issue 13).

``prepared_objects(key, build, *args)`` gives the instances ``build(*args)`` gives (a plain model queryset:
annotations and ``select_related`` included), from SQL Django compiled once per thread with stand-ins for the
arguments (``portal.prepared``'s plan: same rules, same fallback). The instances are built the way Django's
``ModelIterable`` builds them: ``Model.from_db`` with the compiler's own select list, related populators for
``select_related`` and the annotations set as attributes.

``now_relative=True`` is for a queryset whose time windows are "now minus a whole number of seconds" computed
inside ``build`` (``timezone.now() - timedelta(days=30)``): ``build`` runs twice when the plan is made, the
parameters that differ between the two runs are those windows, and each request puts ``timezone.now()`` minus
the same span there, which is what ``build`` would compute at that moment.

Guarantees:
- everything ``portal.prepared`` guarantees (Django's own SQL, logged and counted, per thread and alias;
  arguments must reach the parameters unchanged, else the queryset is iterated as usual);
- with ``now_relative``, a parameter that moves between the two runs but is not a datetime (a backend that
  passes datetimes as text, SQLite) or whose span is not whole seconds means no plan: the queryset is
  iterated as usual;
- ``build`` must not use ``prefetch_related``, ``only``/``defer`` of related models or known related objects
  (a queryset reached from an instance's manager): those need Django's own iteration.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

from .prepared import _MISSING, _compiled, _Plan, _plan, _positions, _stand_in, _thread_plans


def _relative_plan(key: str, build: Callable[..., QuerySet], args: tuple):
    """``_plan`` for a queryset with now-relative windows: (plan, [(position, span)]) or None."""
    plans = _thread_plans()
    found = plans.get(key, _MISSING)
    if found is not _MISSING:
        return found
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    _, _, first_sql, first_params = _compiled(build, stand_ins)
    alias, compiler, sql, params = _compiled(build, stand_ins)
    built_at = timezone.now()
    plans[key] = None
    if sql != first_sql or len(params) != len(first_params):
        return None
    moving: list[tuple[int, timedelta]] = []
    for position, (before, value) in enumerate(zip(first_params, params, strict=True)):
        if before == value:
            continue
        if not isinstance(value, datetime):
            return None
        span = (built_at - value).total_seconds()
        if abs(span - round(span)) > 0.25:
            return None
        moving.append((position, timedelta(seconds=round(span))))
    positions = _positions(params, stand_ins, connections[alias].ops.adapt_datetimefield_value)
    if positions is None:
        return None
    plans[key] = (_Plan(alias, sql, params, positions, compiler), moving)
    return plans[key]


def prepared_objects(key: str, build: Callable[..., QuerySet], *args: Any, now_relative: bool = False) -> list[Any]:
    """The model instances of ``build(*args)``, from SQL compiled once per thread under ``key``."""
    moving: list[tuple[int, timedelta]] = []
    if now_relative:
        found = _relative_plan(key, build, args)
        plan = None if found is None else found[0]
        if found is not None:
            moving = found[1]
    else:
        plan = _plan(key, build, args)
    if plan is None:
        return list(build(*args))
    params = plan.params(args)
    if moving:
        now = timezone.now()
        for position, span in moving:
            params[position] = now - span
    with connections[plan.alias].cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows = cursor.fetchall()
    compiler = plan.compiler
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, plan.alias)  # type: ignore[call-arg]  # Django 5.2's signature
    objects = []
    for row in compiler.results_iter(results=[rows]):
        obj = model_cls.from_db(plan.alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        if annotation_col_map:
            for name, position in annotation_col_map.items():
                setattr(obj, name, row[position])
        objects.append(obj)
    return objects
