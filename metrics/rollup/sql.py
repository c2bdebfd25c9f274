"""PostgreSQL pieces shared by the set-based rollup statements (SQLite keeps the Python path, same rows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db import connection

from portal.people.models import Profile, Role


def in_database() -> bool:
    """Whether the rollup runs as set-based SQL here (PostgreSQL) rather than in Python (SQLite)."""
    return connection.vendor == "postgresql"


def quoted(values: Iterable[str]) -> str:
    """A literal IN list of constants (verbs, role names): never user input."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) or "NULL"


def department_sql(alias: str) -> str:
    """The department recorded on the activity; today's (scalar subquery, only when missing) for older rows."""
    return (
        f"COALESCE({alias}.department, (SELECT p.department FROM {Profile._meta.db_table} p "  # noqa: S608
        f"WHERE p.user_id = {alias}.actor_id), '')"
    )


def role_sql(alias: str) -> str:
    """The role recorded on the activity; for older rows today's, exactly as ``Snapshot.role`` derives it."""
    from django.contrib.auth import get_user_model

    user = get_user_model()
    groups = user.groups.through
    group_fk = groups._meta.get_field("group").column
    user_fk = cast(Any, groups._meta.get_field(cast(str, user._meta.model_name))).column
    group_table = groups._meta.get_field("group").related_model._meta.db_table

    def member_of(names: set[str]) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {groups._meta.db_table} ug JOIN {group_table} g ON g.id = ug.{group_fk} "  # noqa: S608
            f"WHERE ug.{user_fk} = {alias}.actor_id AND g.name IN ({quoted(names)}))"
        )

    team, admin = {str(Role.FACILITATOR), str(Role.ANALYST)}, {str(Role.ADMIN)}
    return (
        f"COALESCE(NULLIF({alias}.role, ''), CASE WHEN {member_of(team)} THEN 'team' "  # noqa: S608
        f"WHEN (SELECT u.is_superuser FROM {user._meta.db_table} u WHERE u.id = {alias}.actor_id) "
        f"OR {member_of(admin)} THEN 'admin' ELSE 'leader' END)"
    )


def local_day_sql(column: str) -> str:
    """The site-local calendar day of a timestamptz column; pass the zone as the ``tz`` parameter."""
    return f"({column} AT TIME ZONE %(tz)s)::date"


def week_sql(day: str) -> str:
    """Monday of ``day``'s week (``week_of`` in SQL)."""
    return f"({day} - (EXTRACT(ISODOW FROM {day})::int - 1))"


def json_int_sql(data: str, key: str) -> str:
    """``as_int(data.get(key))`` in SQL: an integral JSON number or numeric string, truncated; else NULL.

    Booleans, objects, arrays and non-numeric strings give NULL, as in Python.
    """
    value = f"({data} -> '{key}')"
    text = f"btrim({data} ->> '{key}')"
    return (
        f"(CASE jsonb_typeof({value}) WHEN 'number' THEN trunc(({data} ->> '{key}')::numeric)::bigint "
        f"WHEN 'string' THEN CASE WHEN {text} ~ '^[+-]?[0-9]{{1,18}}$' THEN ({text})::bigint END END)"
    )
