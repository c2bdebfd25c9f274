"""Invitation pages: invite form, CSV upload, the cohort list, resend/withdraw, and following a link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.models import Activity
from metrics.verbs import Verb
from portal.people.adapters import INVITATION_SESSION_KEY
from portal.people.models import Invitation, Membership, User
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,title,department,management_level,cohort"


# ---------------------------------------------------------------- inviting


def test_invite_form_offers_only_the_facilitators_cohorts(client, facilitator, cohort, other_cohort):
    client.force_login(facilitator)
    response = client.get(reverse("invitations:create"))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["cohort"].queryset)
    assert choices == [cohort]
    body = response.content.decode()
    assert "All or nothing" in body
    assert HEADER in body


def test_inviting_one_person(client, facilitator, cohort, django_capture_on_commit_callbacks):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitations:create"),
            {
                "email": "Nia.New@harbourview.example",
                "display_name": "Nia New",
                "job_title": "Depot Manager",
                "department": "Logistics",
                "management_level": "3",
                "cohort": cohort.pk,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("invitations:cohort", args=[cohort.slug])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.management_level) == ("nia.new@harbourview.example", 3)
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"email": "a@harbourview.example", "management_level": "4"}, "management_level", "Select a valid choice"),
    ],
)
def test_invite_form_errors(client, facilitator, cohort, data, field, message):
    client.force_login(facilitator)
    response = client.post(reverse("invitations:create"), {"cohort": cohort.pk, **data})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Invitation.objects.exists()


def test_a_forged_cohort_id_is_a_form_error(client, facilitator, other_cohort):
    client.force_login(facilitator)
    response = client.post(reverse("invitations:create"), {"email": "a@harbourview.example", "cohort": other_cohort.pk})
    assert response.status_code == 400
    assert "cohort" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_inviting_a_member_again_explains(client, facilitator, cohort, leader):
    client.force_login(facilitator)
    response = client.post(reverse("invitations:create"), {"email": leader.email, "cohort": cohort.pk})
    assert response.status_code == 400
    assert f"{leader.email} is already a member of Northern Lights." in response.content.decode()


def _upload(client, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("invitations:upload"), {"file": SimpleUploadedFile("people.csv", data, "text/csv")})


def test_upload_with_problems_imports_nobody_and_lists_lines(client, facilitator, cohort):
    client.force_login(facilitator)
    response = _upload(
        client,
        f"{HEADER}\nok@harbourview.example,Ok,,,1,northern-lights\nbroken,Broken,,,1,northern-lights\n",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "Line 3: “broken” is not a valid e-mail address." in body
    assert not Invitation.objects.exists()
    assert not Activity.objects.filter(verb=Verb.INVITED).exists()


def test_upload_of_a_good_file(client, facilitator, cohort, django_capture_on_commit_callbacks):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client,
            f"{HEADER}\na@harbourview.example,A,,,1,northern-lights\nb@harbourview.example,B,,,2,Northern Lights\n",
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(cohort=cohort).count() == 2
    assert Activity.objects.filter(verb=Verb.INVITED).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@harbourview.example", "b@harbourview.example"]


def test_upload_without_a_file(client, facilitator, cohort):
    client.force_login(facilitator)
    response = client.post(reverse("invitations:upload"), {})
    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.content.decode()


def test_csv_template_downloads(client, facilitator, cohort):
    client.force_login(facilitator)
    response = client.get(reverse("invitations:csv-template"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.startswith(HEADER + "\r\n")
    assert text.rstrip().endswith(",northern-lights")


# ---------------------------------------------------------------- the cohort's list


def test_cohort_list_shows_each_status(client, facilitator, cohort, leader):
    InvitationFactory(cohort=cohort, email="pending@harbourview.example")
    InvitationFactory(cohort=cohort, email="expired@harbourview.example", expires_at=timezone.now() - timedelta(days=1))
    InvitationFactory(
        cohort=cohort, email="accepted@harbourview.example", accepted_at=timezone.now(), accepted_by=leader
    )
    client.force_login(facilitator)
    response = client.get(reverse("invitations:cohort", args=[cohort.slug]))
    assert response.status_code == 200
    statuses = {i.email: i.status for i in response.context["page"].object_list}
    assert statuses == {
        "pending@harbourview.example": "pending",
        "expired@harbourview.example": "expired",
        "accepted@harbourview.example": "accepted",
    }
    counts = response.context["counts"]
    assert (counts.pending, counts.accepted, counts.expired) == (1, 1, 1)
    only_expired = client.get(reverse("invitations:cohort", args=[cohort.slug]), {"status": "expired"})
    assert [i.email for i in only_expired.context["page"].object_list] == ["expired@harbourview.example"]
    # An accepted invitation offers no resend/withdraw.
    assert response.content.decode().count("Withdraw<span") == 2


def test_cohort_list_query_count_does_not_grow(client, facilitator, cohort, django_assert_num_queries):
    url = reverse("invitations:cohort", args=[cohort.slug])
    client.force_login(facilitator)
    InvitationFactory.create_batch(5, cohort=cohort, invited_by=facilitator)
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    assert len(small.captured_queries) <= 15
    inviter = UserFactory()
    InvitationFactory.create_batch(45, cohort=cohort, invited_by=inviter, accepted_by=UserFactory())
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50


def test_invite_page_query_count_does_not_grow_with_cohorts(client, admin_user, django_assert_num_queries):
    from tests.factories import CohortFactory

    client.force_login(admin_user)
    url = reverse("invitations:create")
    for cohort in CohortFactory.create_batch(2):
        InvitationFactory.create_batch(2, cohort=cohort)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for cohort in CohortFactory.create_batch(30):
        InvitationFactory.create_batch(3, cohort=cohort)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["cohorts"]) == 32


def test_resend_and_withdraw_from_the_list(client, facilitator, cohort, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(cohort=cohort, expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitations:resend", args=[invitation.pk]), {"status": "expired"})
    assert response.status_code == 302
    assert response["Location"] == reverse("invitations:cohort", args=[cohort.slug]) + "?status=expired"
    assert Invitation.objects.get(pk=invitation.pk).is_usable
    assert len(mail.outbox) == 1
    response = client.post(reverse("invitations:revoke", args=[invitation.pk]), follow=True)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert "withdrawn" in response.content.decode()


def test_withdrawing_an_accepted_invitation_explains(client, facilitator, cohort, leader):
    invitation = InvitationFactory(cohort=cohort, accepted_at=timezone.now(), accepted_by=leader)
    client.force_login(facilitator)
    response = client.post(reverse("invitations:revoke", args=[invitation.pk]), follow=True)
    assert "already been accepted" in response.content.decode()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_resend_needs_post(client, facilitator, cohort):
    invitation = InvitationFactory(cohort=cohort)
    client.force_login(facilitator)
    assert client.get(reverse("invitations:resend", args=[invitation.pk])).status_code == 405


# ---------------------------------------------------------------- following an invitation link


def test_unknown_link_is_a_clear_404(client):
    response = client.get(reverse("invitations:accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "We cannot find this invitation" in response.content.decode()


def test_used_link_is_410(client, cohort, leader):
    invitation = InvitationFactory(cohort=cohort, accepted_at=timezone.now(), accepted_by=leader)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_expired_link_is_410_and_names_who_to_ask(client, cohort, facilitator):
    invitation = InvitationFactory(
        cohort=cohort, invited_by=facilitator, expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    body = response.content.decode()
    assert "has expired" in body and "Fay Facilitator" in body
    assert INVITATION_SESSION_KEY not in client.session


def test_the_one_who_accepted_is_sent_home(client, cohort, leader):
    invitation = InvitationFactory(cohort=cohort, accepted_at=timezone.now(), accepted_by=leader)
    client.force_login(leader)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_signed_out_visitor_sees_cohort_and_inviter(client, cohort, facilitator):
    invitation = InvitationFactory(cohort=cohort, invited_by=facilitator, email="nia@harbourview.example")
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Join Northern Lights" in body and "Fay Facilitator" in body
    assert reverse("account_signup") in body
    assert client.session[INVITATION_SESSION_KEY] == invitation.token


def test_signed_out_visitor_with_an_account_is_asked_to_sign_in(client, cohort):
    UserFactory(email="known@harbourview.example")
    invitation = InvitationFactory(cohort=cohort, email="known@harbourview.example")
    response = client.get(invitation.get_absolute_url())
    assert "Sign in to accept" in response.content.decode()
    assert response.context["login_url"] == f"{reverse('account_login')}?next=%2Finvitations%2F{invitation.token}%2F"


def test_signed_in_with_the_invited_address_joins(client, other_cohort, leader):
    invitation = InvitationFactory(cohort=other_cohort, email=leader.email)
    client.force_login(leader)
    page = client.get(invitation.get_absolute_url())
    assert "Join Southern Cross" in page.content.decode()
    assert not Membership.objects.filter(user=leader, cohort=other_cohort).exists()  # GET changes nothing
    response = client.post(invitation.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert Membership.objects.filter(user=leader, cohort=other_cohort).exists()
    assert "Welcome to Southern Cross" in response.content.decode()


def test_signed_in_with_another_address_is_told_why(client, other_cohort, leader):
    invitation = InvitationFactory(cohort=other_cohort, email="someone@harbourview.example")
    client.force_login(leader)
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "This invitation was sent to <strong>someone@harbourview.example</strong>" in body
    assert f"you are signed in as <strong>{leader.email}</strong>" in body
    assert client.post(invitation.get_absolute_url()).status_code == 403
    assert not Membership.objects.filter(user=leader, cohort=other_cohort).exists()


# ---------------------------------------------------------------- signing up through the invitation

NEW_PASSWORD = "a-long-pass-phrase-9"


def sign_up(client, email):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_signup_is_closed_without_an_invitation(client):
    response = client.get(reverse("account_signup"))
    assert "by invitation" in response.content.decode()
    assert "form" not in response.context or response.context.get("form") is None
    sign_up(client, "walk.in@harbourview.example")
    assert not User.objects.filter(email="walk.in@harbourview.example").exists()


def test_signup_open_setting_lets_anyone_sign_up(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    response = sign_up(client, "walk.in@harbourview.example")
    assert response.status_code == 302
    user = User.objects.get(email="walk.in@harbourview.example")
    assert not Membership.objects.filter(user=user).exists()


def test_an_expired_invitation_does_not_open_signup(client, cohort):
    invitation = InvitationFactory(cohort=cohort)
    client.get(invitation.get_absolute_url())
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.get(reverse("account_signup"))
    assert "by invitation" in response.content.decode()


def _follow_invitation(client, cohort, **kwargs):
    invitation = InvitationFactory(
        cohort=cohort,
        email="nia@harbourview.example",
        display_name="Nia New",
        job_title="Depot Manager",
        department="Logistics",
        management_level=3,
        **kwargs,
    )
    client.get(invitation.get_absolute_url())
    return invitation


def test_signup_form_is_prefilled_with_the_invited_address(client, cohort):
    _follow_invitation(client, cohort)
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="nia@harbourview.example"' in body
    assert "Northern Lights" in body


def test_signup_with_another_address_is_refused(client, cohort):
    _follow_invitation(client, cohort)
    response = sign_up(client, "other@harbourview.example")
    assert response.status_code == 200
    assert "Your invitation was sent to nia@harbourview.example" in response.content.decode()
    assert not User.objects.filter(email="other@harbourview.example").exists()


@pytest.mark.parametrize("verification", ["optional", "mandatory"])
def test_signup_through_the_invitation(client, cohort, facilitator, settings, verification):
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    invitation = _follow_invitation(client, cohort, invited_by=facilitator)
    response = sign_up(client, "NIA@harbourview.example")
    user = User.objects.get(email="nia@harbourview.example")
    # The invitation link proved the address: signed in at once, even when verification is mandatory.
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.emailaddress_set.get().verified
    assert Membership.objects.filter(user=user, cohort=cohort).exists()
    assert user.profile.display_name == "Nia New" and user.profile.management_level == 3
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert INVITATION_SESSION_KEY not in client.session
    verbs = set(Activity.objects.filter(actor=user).values_list("verb", flat=True))
    assert {Verb.SIGNED_UP, Verb.INVITATION_ACCEPTED} <= verbs
    # The link is now spent.
    client.logout()
    assert client.get(invitation.get_absolute_url()).status_code == 410
