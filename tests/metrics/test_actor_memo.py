"""``metrics.actor_memo``: seeding reads each actor's memberships and roles once, and writes the same rows.

Inside the block ``record`` stops re-reading the actor for every activity (the query count per activity
drops and stays flat), a membership or role change made through the services is seen at the next
activity, and the memo is gone when the block ends.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import metrics
from metrics.models import Activity
from metrics.services import actor_memo_clear
from metrics.verbs import Verb
from portal.people.models import Role
from portal.people.services.cohorts import membership_add, membership_remove
from portal.people.services.people import role_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _record(actor, cohort=None) -> int:
    """Queries one activity costs."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        metrics.record(actor=actor, verb=Verb.POST_CREATED, cohort=cohort)
    return len(queries)


def _story(leader, cohort, other_cohort, admin) -> list[tuple]:
    """Activities around membership and role changes; returns (cohort, role) of each leader activity."""
    _record(leader, other_cohort)  # counts for the leader's own cohort
    membership_add(actor=admin, cohort=other_cohort, user=leader)
    _record(leader, other_cohort)  # now a member there too: counts there
    membership_remove(actor=admin, cohort=cohort, user=leader)
    _record(leader)  # only the other cohort is left
    role_assign(user=leader, roles=(Role.FACILITATOR,))
    _record(leader)  # counted as programme team from now on
    return list(Activity.objects.filter(actor=leader).order_by("pk").values_list("cohort_id", "role"))


@pytest.fixture
def admin(db):
    return UserFactory(roles=(Role.ADMIN,))


def test_the_same_rows_as_without_the_memo_with_membership_and_role_changes_seen(
    leader, cohort, other_cohort, admin, other_leader
):
    with metrics.actor_memo():
        inside = _story(leader, cohort, other_cohort, admin)
    outside = _story(other_leader, cohort, other_cohort, admin)
    assert inside == outside
    assert [cohort_id for cohort_id, _ in inside] == [cohort.pk, other_cohort.pk, other_cohort.pk, other_cohort.pk]
    assert inside[0][1] != inside[-1][1], "the new role is seen"


def test_each_actor_is_read_once_per_block_and_the_memo_ends_with_it(leader, cohort):
    _record(leader)  # warm-up (content types, savepoint set-up)
    plain = _record(leader)
    with metrics.actor_memo():
        first = _record(leader)
        assert first == plain
        later = [_record(leader, cohort) for _ in range(5)]
        assert later == [plain - 2] * 5  # memberships and groups are no longer read
        actor_memo_clear()
        assert _record(leader) == plain
    assert _record(leader) == plain  # outside the block: read every time again


def test_blocks_do_not_nest():
    with metrics.actor_memo(), pytest.raises(RuntimeError), metrics.actor_memo():
        pass
