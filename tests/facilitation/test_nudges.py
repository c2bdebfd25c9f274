"""Nudges: personal, in the bell and by e-mail straight away, at most one per member per interval (shown,
never silently dropped), recorded."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import services
from onboarding.facilitation.models import Nudge
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import member_of

pytestmark = pytest.mark.django_db

TEXT = "Hello {first_name}, we have missed you on the {cohort} board."


def test_a_nudge_is_personal_in_the_bell_and_e_mailed_straight_away(facilitator, leader, cohort, on_commit_now):
    result = services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader], message=TEXT, template="quiet")

    assert [n.recipient for n in result.sent] == [leader] and result.skipped == []
    nudge = Nudge.objects.get()
    assert nudge.message == "Hello Lee, we have missed you on the Northern Lights board."
    note = Notification.objects.get(recipient=leader, event=Event.NUDGE)
    assert note.text == "Fay Facilitator: Hello Lee, we have missed you on the Northern Lights board."
    assert note.url == reverse("forums:index")
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "we have missed you" in mail.outbox[0].body
    activity = Activity.objects.get(verb=Verb.NUDGED)
    assert (activity.actor, activity.target_id, activity.data) == (facilitator, leader.pk, {"template": "quiet"})


def test_a_member_nudged_recently_is_skipped_and_reported(facilitator, leader, other_leader, cohort, settings):
    settings.FACILITATION_NUDGE_INTERVAL_DAYS = 7
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader], message=TEXT)

    result = services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader, other_leader], message=TEXT)

    assert [n.recipient for n in result.sent] == [other_leader]
    ((skipped, again),) = result.skipped
    assert skipped == leader
    assert timezone.now() + timedelta(days=3) < again < timezone.now() + timedelta(days=5)
    assert Nudge.objects.filter(recipient=leader).count() == 1


def test_the_limit_holds_across_facilitators_and_ends_after_the_interval(facilitator, leader, cohort):
    from tests.factories import facilitator_of

    colleague = facilitator_of(cohort)
    services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader], message=TEXT)
    assert services.nudge_send(actor=colleague, cohort=cohort, recipients=[leader], message=TEXT).sent == []
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert len(services.nudge_send(actor=colleague, cohort=cohort, recipients=[leader], message=TEXT).sent) == 1


def test_only_this_cohorts_facilitators_nudge_only_its_members(
    facilitator, other_facilitator, leader, cohort, other_cohort
):
    with pytest.raises(PermissionDenied):
        services.nudge_send(actor=other_facilitator, cohort=cohort, recipients=[leader], message=TEXT)
    outsider = member_of(other_cohort)
    with pytest.raises(ValidationError):
        services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader, outsider], message=TEXT)
    assert not Nudge.objects.exists()


def test_a_message_too_long_once_personalised_is_refused(facilitator, leader, cohort):
    with pytest.raises(ValidationError) as error:
        services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader], message="x" * 239 + "{cohort}")
    assert "message" in error.value.message_dict
    assert not Nudge.objects.exists()


def test_the_nudge_page_preselects_the_filtered_members_and_reports_the_skipped(
    client, facilitator, leader, other_leader, cohort
):
    services.nudge_send(actor=facilitator, cohort=cohort, recipients=[leader], message=TEXT)
    client.force_login(facilitator)
    page = client.get(reverse("facilitation:nudge", args=[cohort.slug]) + "?never_posted=on").content.decode()
    assert f'value="{other_leader.pk}" checked' in page
    assert f'value="{leader.pk}" checked' in page
    assert "skipped until" in page

    response = client.post(
        reverse("facilitation:nudge", args=[cohort.slug]),
        {"members": [leader.pk, other_leader.pk], "template": "quiet", "message": TEXT},
        follow=True,
    )
    page = response.content.decode()
    assert "Nudge sent to 1 member." in page
    assert "Not sent to Lee Leader: nudged less than 7 days ago" in page


def test_a_nudge_without_members_or_text_is_a_form_error(client, facilitator, cohort, leader):
    client.force_login(facilitator)
    response = client.post(reverse("facilitation:nudge", args=[cohort.slug]), {"members": [], "message": ""})
    assert response.status_code == 400
    assert not Nudge.objects.exists()
