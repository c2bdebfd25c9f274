"""Helpers shared by the rollup steps: the site's days, snapshot dimensions, chunked key lookups."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Q, QuerySet

from portal.people.models import Profile, Role, User

from ..models import PersonRole

CHUNK = 500


def site_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the site's time zone (23:30 UTC in London summer is tomorrow)."""
    return moment.astimezone(site_tz()).date()


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day`` as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=site_tz())


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def by_keys(qs: QuerySet, type_field: str, id_field: str, keys: set[tuple[int, int]] | None) -> Iterator[QuerySet]:
    """``qs`` restricted to (content type, id) keys, as several bounded queries; all of ``qs`` when keys is None."""
    if keys is None:
        yield qs
        return
    per_type: dict[int, list[int]] = defaultdict(list)
    for type_id, obj_id in keys:
        per_type[type_id].append(obj_id)
    for type_id, ids in per_type.items():
        for batch in chunks(sorted(ids)):
            yield qs.filter(Q(**{type_field: type_id, f"{id_field}__in": batch}))


def by_actors(qs: QuerySet, actors: set[int] | None) -> Iterator[QuerySet]:
    if actors is None:
        yield qs
        return
    for batch in chunks(sorted(actors)):
        yield qs.filter(actor_id__in=batch)


class Snapshot:
    """Dimensions read from people tables when a row is aggregated: department and role."""

    def __init__(self) -> None:
        team = {str(Role.FACILITATOR), str(Role.ANALYST)}
        self.team_ids = set(User.objects.filter(groups__name__in=team).values_list("pk", flat=True))
        self.admin_ids = set(
            User.objects.filter(Q(is_superuser=True) | Q(groups__name=str(Role.ADMIN))).values_list("pk", flat=True)
        )
        self._departments: dict[int, str] = {}

    def role(self, actor_id: int) -> str:
        if actor_id in self.team_ids:
            return PersonRole.TEAM
        if actor_id in self.admin_ids:
            return PersonRole.ADMIN
        return PersonRole.LEADER

    def load_departments(self, actor_ids: Iterable[int]) -> None:
        missing = {a for a in actor_ids if a not in self._departments}
        for batch in chunks(sorted(missing), 2000):
            found = dict(Profile.objects.filter(user_id__in=batch).values_list("user_id", "department"))
            for actor_id in batch:
                self._departments[actor_id] = found.get(actor_id) or ""

    def department_of(self, row: Mapping[str, Any]) -> str:
        """The department recorded on the activity (as of the act); today's only for rows from before that."""
        if row.get("department") is not None:
            return row["department"]
        return self.department(row["actor_id"])

    def role_of(self, row: Mapping[str, Any]) -> str:
        """The role recorded on the activity; today's only for rows recorded before roles were."""
        return row.get("role") or self.role(row["actor_id"])

    def department(self, actor_id: int) -> str:
        if actor_id not in self._departments:
            self.load_departments([actor_id])
        return self._departments[actor_id]


def as_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if not isinstance(value, bool) else None


def parse_day(value) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def insert_rows(model, fields: list[str], rows: list[tuple]) -> int:
    """Insert plain tuples into ``model``'s table: COPY on PostgreSQL, executemany elsewhere.

    The rollup writes tens of thousands of rows per rebuild; building model instances for
    bulk_create cost more than the aggregation itself. Values must already be what the columns hold.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 (names from the model)
                [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows],
            )
    return len(rows)
