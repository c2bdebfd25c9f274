"""Invitation services: who may invite, all-or-nothing creation, resend, withdraw, accept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from metrics.models import Activity
from metrics.verbs import Verb
from portal.notifications.models import Notification
from portal.notifications.tasks import send_invitation_email
from portal.people.models import Invitation, Membership
from portal.people.services.invitations import (
    InvitationRow,
    InvitationRowsError,
    InvitationUnusable,
    invitation_accept,
    invitation_accept_pending,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_create_many,
)
from tests.factories import InvitationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_facilitator_invites_one_person(facilitator, cohort, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_TTL_DAYS = 10
    settings.SITE_URL = "https://keystone.harbourview.example"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=facilitator,
            email="  Pat.Quay@Harbourview.example ",
            cohort=cohort,
            display_name="Pat Quay",
            job_title="Head of Fleet",
            department="Operations",
            management_level=2,
        )
    assert invitation.email == "pat.quay@harbourview.example"
    assert invitation.invited_by == facilitator
    assert len(invitation.token) >= 43
    assert timedelta(days=9, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=10)
    activity = Activity.objects.get(verb=Verb.INVITED)
    assert (activity.actor, activity.cohort, activity.target_id) == (facilitator, cohort, invitation.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat.quay@harbourview.example"]
    assert "Northern Lights" in message.subject
    link = f"https://keystone.harbourview.example/invitations/{invitation.token}/"
    assert link in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "Fay Facilitator" in html


def test_tokens_are_unique_and_unguessable(facilitator, cohort):
    rows = [InvitationRow(email=f"p{i}@harbourview.example", cohort=cohort, line=i + 2) for i in range(20)]
    tokens = {i.token for i in invitations_create_many(actor=facilitator, rows=rows)}
    assert len(tokens) == 20
    assert all(len(t) >= 43 for t in tokens)


def test_no_email_is_queued_when_the_transaction_rolls_back(facilitator, cohort, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvitationRowsError):
        invitations_create_many(
            actor=facilitator,
            rows=[
                InvitationRow(email="ok@harbourview.example", cohort=cohort, line=2),
                InvitationRow(email="ok@harbourview.example", cohort=cohort, line=3),
            ],
        )
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_people_who_run_no_cohort_cannot_invite(role, request, cohort):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        invitation_create(actor=actor, email="x@harbourview.example", cohort=cohort)
    assert not Invitation.objects.exists()


def test_a_facilitator_cannot_invite_to_another_cohort(other_facilitator, cohort):
    with pytest.raises(InvitationRowsError) as exc:
        invitation_create(actor=other_facilitator, email="x@harbourview.example", cohort=cohort)
    assert "You cannot invite people to “Northern Lights”" in str(exc.value)
    assert not Invitation.objects.exists()


def test_admin_invites_to_any_cohort(admin_user, other_cohort):
    invitation = invitation_create(actor=admin_user, email="x@harbourview.example", cohort=other_cohort)
    assert invitation.cohort == other_cohort


def test_members_and_pending_invitees_are_refused(facilitator, cohort, leader):
    InvitationFactory(cohort=cohort, email="waiting@harbourview.example")
    with pytest.raises(InvitationRowsError) as exc:
        invitations_create_many(
            actor=facilitator,
            rows=[
                InvitationRow(email=leader.email.upper(), cohort=cohort, line=2),
                InvitationRow(email="waiting@harbourview.example", cohort=cohort, line=3),
                InvitationRow(email="fine@harbourview.example", cohort=cohort, line=4),
            ],
        )
    messages = [str(p) for p in exc.value.problems]
    assert messages[0] == f"Line 2: {leader.email} is already a member of Northern Lights."
    assert messages[1].startswith("Line 3: waiting@harbourview.example already has an invitation")
    assert len(messages) == 2
    # All or nothing: the good row was not invited either.
    assert Invitation.objects.count() == 1
    assert not Activity.objects.filter(verb=Verb.INVITED).exists()


def test_an_expired_invitation_does_not_block_a_new_one(facilitator, cohort):
    InvitationFactory(cohort=cohort, email="late@harbourview.example", expires_at=timezone.now() - timedelta(days=1))
    invitation_create(actor=facilitator, email="late@harbourview.example", cohort=cohort)
    assert Invitation.objects.filter(email="late@harbourview.example").count() == 2


def test_unknown_management_level_is_refused(admin_user, cohort):
    with pytest.raises(InvitationRowsError, match="Management level must be 1, 2 or 3"):
        invitation_create(actor=admin_user, email="x@harbourview.example", cohort=cohort, management_level=7)


def test_existing_account_is_notified_in_the_portal(facilitator, cohort, other_cohort):
    someone = UserFactory(email="known@harbourview.example")
    invitation = invitation_create(actor=facilitator, email="known@harbourview.example", cohort=cohort)
    note = Notification.objects.get(recipient=someone)
    assert note.url == invitation.get_absolute_url()
    assert "invited you to join Northern Lights" in note.text


# ---------------------------------------------------------------- resend and withdraw


def test_resend_extends_the_same_link_and_sends_again(facilitator, cohort, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(cohort=cohort, expires_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=facilitator, invitation=invitation)
    fresh = Invitation.objects.get(pk=invitation.pk)
    assert fresh.token == invitation.token
    assert fresh.is_usable
    assert len(mail.outbox) == 1
    assert Activity.objects.filter(verb=Verb.INVITATION_RESENT, cohort=cohort).count() == 1


def test_resend_and_withdraw_refuse_accepted_invitations(facilitator, cohort, leader):
    invitation = InvitationFactory(cohort=cohort, accepted_at=timezone.now(), accepted_by=leader)
    with pytest.raises(ValidationError, match="already been accepted"):
        invitation_resend(actor=facilitator, invitation=invitation)
    with pytest.raises(ValidationError, match="already been accepted"):
        invitation_revoke(actor=facilitator, invitation=invitation)
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_only_the_cohorts_inviters_may_resend_or_withdraw(other_facilitator, leader, cohort):
    invitation = InvitationFactory(cohort=cohort)
    for actor in (other_facilitator, leader):
        with pytest.raises(PermissionDenied):
            invitation_resend(actor=actor, invitation=invitation)
        with pytest.raises(PermissionDenied):
            invitation_revoke(actor=actor, invitation=invitation)


def test_withdrawing_removes_the_link(facilitator, cohort):
    invitation = InvitationFactory(cohort=cohort)
    invitation_revoke(actor=facilitator, invitation=invitation)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    activity = Activity.objects.get(verb=Verb.INVITATION_REVOKED)
    assert activity.cohort == cohort
    assert activity.data == {"invitation_id": invitation.pk}
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=invitation.token, user=UserFactory(email=invitation.email))
    assert exc.value.code == "unknown"


# ---------------------------------------------------------------- accepting


def _new_account(email):
    user = UserFactory(email=email, profile__display_name="", profile__job_title="", profile__department="")
    user.profile.management_level = None
    user.profile.completed_at = None
    user.profile.save()
    return user


def test_accepting_joins_the_cohort_and_prefills_the_profile(cohort):
    invitation = InvitationFactory(
        cohort=cohort,
        email="new@harbourview.example",
        display_name="Nia New",
        job_title="Depot Manager",
        department="Logistics",
        management_level=3,
    )
    user = _new_account("new@harbourview.example")
    invitation_accept(token=invitation.token, user=user)
    assert Membership.objects.filter(user=user, cohort=cohort, kind=Membership.Kind.MEMBER).exists()
    user.profile.refresh_from_db()
    assert (user.profile.display_name, user.profile.job_title, user.profile.department) == (
        "Nia New",
        "Depot Manager",
        "Logistics",
    )
    assert user.profile.management_level == 3
    # The person confirms their profile themselves.
    assert user.profile.completed_at is None
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert Activity.objects.filter(actor=user, verb=Verb.INVITATION_ACCEPTED, cohort=cohort).count() == 1


def test_accepting_keeps_what_the_person_already_wrote(cohort):
    invitation = InvitationFactory(cohort=cohort, email="kept@harbourview.example", job_title="Typed by inviter")
    user = UserFactory(email="kept@harbourview.example", profile__job_title="My own title")
    invitation_accept(token=invitation.token, user=user)
    user.profile.refresh_from_db()
    assert user.profile.job_title == "My own title"


def test_an_invitation_works_once(cohort):
    invitation = InvitationFactory(cohort=cohort, email="once@harbourview.example")
    user = _new_account("once@harbourview.example")
    invitation_accept(token=invitation.token, user=user)
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=invitation.token, user=user)
    assert exc.value.code == "used"


def test_an_expired_invitation_cannot_be_accepted(cohort):
    invitation = InvitationFactory(
        cohort=cohort, email="late@harbourview.example", expires_at=timezone.now() - timedelta(seconds=1)
    )
    user = _new_account("late@harbourview.example")
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=invitation.token, user=user)
    assert exc.value.code == "expired"
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_is_for_its_own_address(cohort, leader):
    invitation = InvitationFactory(cohort=cohort, email="someone.else@harbourview.example")
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=invitation.token, user=leader)
    assert exc.value.code == "wrong_email"
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


@pytest.mark.parametrize("token", ["", "nope", "x" * 500])
def test_unknown_tokens(token, leader):
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=token, user=leader)
    assert exc.value.code == "unknown"
    assert invitation_accept_pending(token=token, user=leader) is None


def test_pending_accept_on_signup_ignores_stale_invitations(cohort):
    invitation = InvitationFactory(cohort=cohort, email="a@harbourview.example", expires_at=timezone.now())
    user = _new_account("a@harbourview.example")
    assert invitation_accept_pending(token=invitation.token, user=user) is None
    assert not Membership.objects.filter(user=user).exists()


def test_a_second_cohort_for_an_existing_member(other_cohort, cohort):
    user = member_of(cohort, email="both@harbourview.example")
    invitation = InvitationFactory(cohort=other_cohort, email="both@harbourview.example")
    invitation_accept(token=invitation.token, user=user)
    assert set(Membership.objects.filter(user=user).values_list("cohort__slug", flat=True)) == {
        "northern-lights",
        "southern-cross",
    }


# ---------------------------------------------------------------- the e-mail task


def test_the_task_skips_invitations_that_are_gone_used_or_expired(cohort, leader):
    used = InvitationFactory(cohort=cohort, accepted_at=timezone.now(), accepted_by=leader)
    expired = InvitationFactory(cohort=cohort, expires_at=timezone.now() - timedelta(days=1))
    assert send_invitation_email(used.pk) is False
    assert send_invitation_email(expired.pk) is False
    assert send_invitation_email(987654) is False
    assert mail.outbox == []
    assert send_invitation_email(InvitationFactory(cohort=cohort).pk) is True
    assert len(mail.outbox) == 1


def test_the_email_names_the_site_and_has_text_and_html(cohort, settings):
    settings.SITE_NAME = "Harbourview Keystone"
    send_invitation_email(InvitationFactory(cohort=cohort, display_name="Ola").pk)
    message = mail.outbox[0]
    assert "Harbourview Keystone" in message.subject
    assert message.body.startswith("Hello Ola,")
    assert message.alternatives[0][1] == "text/html"


def test_the_task_respects_undeliverable_addresses(cohort):
    from portal.notifications.models import UndeliverableAddress

    invitation = InvitationFactory(cohort=cohort, email="bounced@harbourview.example")
    UndeliverableAddress.objects.create(email="Bounced@harbourview.example", reason="hard bounce")
    assert send_invitation_email(invitation.pk) is False
    assert mail.outbox == []
