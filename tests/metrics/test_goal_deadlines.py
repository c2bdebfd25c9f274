"""Goal deadlines relative to the cohort start count from the day a late joiner joined."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from metrics.models import Activity, GoalStatus
from metrics.rollup import rollup_run
from metrics.verbs import Verb
from onboarding.selectors.goals import State, my_goals
from onboarding.services.goals import goal_overdue_record
from portal.people.models import Membership
from tests.factories import CohortFactory, member_of

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_a_member_who_joins_today_sees_no_goal_overdue_and_none_is_counted(client):
    cohort = CohortFactory(starts_on=date(2025, 3, 1))  # crawl (14 days) was due 15 March
    early = member_of(cohort, profile__timezone="Europe/London", policy_acknowledged=False)
    Membership.objects.filter(user=early).update(joined_at=datetime(2025, 3, 1, 9, tzinfo=LONDON))
    with time_machine.travel(datetime(2025, 4, 2, 9, 0, tzinfo=LONDON), tick=False):
        late = member_of(cohort, profile__timezone="Europe/London", policy_acknowledged=False)
        stages = {s.stage.kind: s for s in my_goals(late)}
        assert stages["crawl"].deadline == date(2025, 4, 16)  # 14 days from the day they joined
        assert {g.state for s in stages.values() for g in s.goals} == {State.PENDING}
        assert State.OVERDUE in {g.state for g in {s.stage.kind: s for s in my_goals(early)}["crawl"].goals}
        client.force_login(late)
        page = client.get(reverse("onboarding:goals")).content.decode()
        assert "16 April 2025" in page and "Overdue" not in page
        goal_overdue_record()
    overdue = Activity.objects.filter(verb=Verb.GOAL_OVERDUE)
    assert overdue.filter(actor=early).exists()
    assert not overdue.filter(actor=late).exists()
    rollup_run()
    assert not GoalStatus.objects.filter(actor=late, status="overdue").exists()
    assert GoalStatus.objects.filter(actor=early, status="overdue").exists()
