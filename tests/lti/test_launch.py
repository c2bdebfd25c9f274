"""Launch: OIDC login initiation, id_token validation, sign-in by subject, roles, context → cohort."""

from __future__ import annotations

import pytest

from lms.lti.models import CourseCohort
from portal.people.models import Membership, User

from .conftest import launch, preflight
from .simulator import ADMINISTRATOR, LEARNER, new_rsa_pem

pytestmark = pytest.mark.django_db


def test_instructor_first_launch_creates_account_cohort_and_facilitator_place(client, platform, registration, people):
    response, _ = launch(client, platform, "sub-teacher")
    assert response.status_code == 302
    user = User.objects.get(email="tam.teacher@lms.example")
    assert user.profile.display_name == "Tam Teacher"
    assert not user.has_usable_password()
    course = CourseCohort.objects.get()
    assert course.cohort.name == "Leading in the open"
    assert response["Location"] == course.cohort.get_absolute_url()
    assert Membership.objects.get(user=user, cohort=course.cohort).kind == Membership.Kind.FACILITATOR
    # Signed in: the cohort page opens without MFA set-up (the LMS authenticated the instructor).
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_learner_launch_places_member_and_second_launch_matches_on_subject(client, platform, registration, people):
    launch(client, platform, "sub-teacher")
    client.logout()
    response, _ = launch(client, platform, "sub-learner")
    assert response.status_code == 302
    learner = User.objects.get(email="lou.learner@lms.example")
    course = CourseCohort.objects.get()
    assert Membership.objects.get(user=learner, cohort=course.cohort).kind == Membership.Kind.MEMBER
    # The LMS changes the person's e-mail: the stable subject still signs into the same account.
    people["learner"].email = "lou.renamed@lms.example"
    client.logout()
    response, _ = launch(client, platform, "sub-learner")
    assert response.status_code == 302
    assert User.objects.filter(email__startswith="lou.").count() == 1
    assert int(client.session["_auth_user_id"]) == learner.pk


def test_learner_before_any_instructor_gets_explanation_and_no_cohort(client, platform, registration, people):
    response, _ = launch(client, platform, "sub-learner")
    assert response.status_code == 200
    assert b"not set up in" in response.content
    assert not CourseCohort.objects.exists()


def test_administrator_role_alone_gives_no_place_and_no_elevation(client, platform, registration, people):
    launch(client, platform, "sub-teacher")
    platform.add("sub-admin", "Ari Administrator", "ari@lms.example", [ADMINISTRATOR])
    client.logout()
    response, _ = launch(client, platform, "sub-admin")
    assert response.status_code == 302
    user = User.objects.get(email="ari@lms.example")
    assert not Membership.objects.filter(user=user).exists()
    assert not user.is_superuser and not user.is_staff
    assert not user.groups.filter(name="admin").exists()


def test_existing_email_is_not_taken_over_when_platform_does_not_verify_emails(client, platform, registration, people):
    from tests.factories import UserFactory

    owner = UserFactory(email="lou.learner@lms.example")
    launch(client, platform, "sub-teacher")
    client.logout()
    response, _ = launch(client, platform, "sub-learner")
    assert response.status_code == 200
    assert b"You already have a" in response.content
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email="lou.learner@lms.example").count() == 1
    # The page's link, opened by the owner signed in to Keystone, links the two accounts.
    link_url = response.context["link_url"].replace("http://testserver", "")
    client.force_login(owner)
    assert client.get(link_url).status_code == 200
    assert client.post(link_url).status_code == 200
    client.logout()
    response, _ = launch(client, platform, "sub-learner")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_existing_email_links_at_once_when_platform_verifies_emails(client, platform, registration, people):
    from lms.lti.models import PlatformPolicy
    from tests.factories import UserFactory

    PlatformPolicy.objects.filter(registration=registration).update(verifies_email=True)
    owner = UserFactory(email="lou.learner@lms.example")
    launch(client, platform, "sub-learner")
    assert int(client.session["_auth_user_id"]) == owner.pk
    assert User.objects.count() == 2  # the admin and the owner: nobody new


@pytest.mark.parametrize(
    ("tamper", "code", "phrase"),
    [
        ({"sign_with": new_rsa_pem()[1]}, "signature", b"not signed by your LMS"),
        ({"aud": "someone-else"}, "audience", b"not meant for this Keystone"),
        ({"iat_offset": -3600, "expires_in": 60}, "expired", b"has expired"),
        ({"deployment_id": "deployment-unknown"}, "deployment", b"deployment is not registered"),
    ],
)
def test_refused_launches_show_a_clear_page_and_create_nobody(
    client, platform, registration, people, tamper, code, phrase
):
    users_before = User.objects.count()
    response, _ = launch(client, platform, "sub-teacher", **tamper)
    assert response.status_code in (400, 403)
    assert phrase in response.content
    assert response.context["code"] == code
    assert User.objects.count() == users_before
    assert not CourseCohort.objects.exists()
    assert "_auth_user_id" not in client.session


def test_replayed_launch_is_refused(client, platform, registration, people):
    response, form = launch(client, platform, "sub-teacher")
    assert response.status_code == 302
    client.logout()
    replay = client.post("/lti/launch/", form)
    assert replay.status_code == 400
    assert b"already used" in replay.content
    assert "_auth_user_id" not in client.session


def test_launch_without_login_state_offers_a_new_tab(client, platform, registration, people):
    form = platform.id_token(preflight(client, platform, "sub-teacher"))
    client.cookies.clear()  # as when the LMS frame blocks the tool's cookies
    response = client.post("/lti/launch/", form)
    assert response.status_code == 400
    assert response.context["code"] == "state"
    assert "/lti/login/?" in response.context["new_tab_url"]
    assert not User.objects.filter(email="tam.teacher@lms.example").exists()


def test_unknown_platform_login_is_refused_clearly(client, platform, people):
    response = client.get(platform.login_url("sub-teacher"))
    assert response.status_code == 400
    assert b"not meant for this Keystone" in response.content


def test_learner_role_maps_to_member_even_with_short_role_names(client, platform, registration, people):
    launch(client, platform, "sub-teacher")
    platform.add("sub-short", "Sam Short", "sam@lms.example", ["Learner"])
    client.logout()
    launch(client, platform, "sub-short")
    user = User.objects.get(email="sam@lms.example")
    assert Membership.objects.get(user=user).kind == Membership.Kind.MEMBER
    assert LEARNER.endswith("#Learner")
