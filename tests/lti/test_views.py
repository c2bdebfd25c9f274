"""Deep linking, iframe behaviour, the tool's keys, and the admin / facilitator pages."""

from __future__ import annotations

import pytest
import requests
from lti_tool.models import Key, LtiRegistration

from lms.lti.models import CourseCohort, RosterEntry
from portal.people.models import User

from .conftest import launch

pytestmark = pytest.mark.django_db


def test_jwks_publishes_active_keys_and_rotation_keeps_services_working(client, platform, registration, people):
    from lms.lti.services.registrations import tool_keys_rotate
    from lms.lti.services.roster import roster_sync

    first = client.get("/lti/jwks/").json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and "d" not in first[0]  # public part only
    launch(client, platform, "sub-teacher")
    course = CourseCohort.objects.get()
    teacher = User.objects.get(email="tam.teacher@lms.example")
    tool_keys_rotate(actor=None, retire_after_days=0)
    keys = client.get("/lti/jwks/").json()["keys"]
    assert len(keys) == 1 and keys[0]["kid"] != first[0]["kid"]
    assert Key.objects.filter(is_active=False).count() == 1
    platform.refresh_tool_jwks()
    # The platform verifies the tool's token request with the new key: the roster service answers.
    assert roster_sync(actor=teacher, course=course).seen == 2


def test_deep_link_places_a_board_and_its_launch_lands_there(client, platform, registration, people):
    from tests.factories import BoardFactory

    launch(client, platform, "sub-teacher")
    course = CourseCohort.objects.get()
    board = BoardFactory(cohort=course.cohort, title="Course reflections", slug="course-reflections")
    client.logout()
    response, _ = launch(client, platform, "sub-teacher", message="deep-link")
    assert response.status_code == 302 and response["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/")
    assert picker.status_code == 200
    assert b"Course reflections" in picker.content
    assert client.post("/lti/deep-link/", {}).status_code == 400  # nothing chosen: the form says so
    answer = client.post("/lti/deep-link/", {"target": ["board:course-reflections", "dashboard"]})
    assert answer.status_code == 200
    assert answer.context["return_url"] == f"{platform.base}/deep-link-return"
    # The browser posts the signed answer to the LMS, which verifies it with the tool's JWKS.
    returned = requests.post(answer.context["return_url"], data={"JWT": answer.context["jwt"]}, timeout=10)
    assert returned.status_code == 200 and "Course reflections" in returned.text
    link_id = next(k for k, v in platform.course.links.items() if v["title"] == "Course reflections")
    client.logout()
    landing, _ = launch(client, platform, "sub-learner", message=f"resource:{link_id}")
    assert landing.status_code == 302
    assert landing["Location"] == board.get_absolute_url()


def test_learner_cannot_deep_link(client, platform, registration, people):
    launch(client, platform, "sub-teacher")
    client.logout()
    response, _ = launch(client, platform, "sub-learner", message="deep-link")
    assert response.status_code == 403
    assert b"Only instructors" in response.content


def test_lti_session_may_be_framed_by_its_platform_only(client, platform, registration, people):
    response, _ = launch(client, platform, "sub-teacher")
    page = client.get(response["Location"])
    csp = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {platform.base}" in csp
    assert "X-Frame-Options" not in page.headers
    assert b"Open Keystone in a new tab" in page.content  # the way out of the frame
    # Over HTTPS, the LTI session's cookies work in a cross-site frame: SameSite=None; Secure.
    secure = client.get("/lti/link/not-a-token/", secure=True)  # a page with a form sets the CSRF cookie
    assert secure.cookies["csrftoken"]["samesite"] == "None"
    assert secure.cookies["csrftoken"]["secure"] is True


def test_ordinary_sessions_keep_strict_framing_and_cookies(client, lti_admin):
    from tests.conftest import _with_totp

    client.force_login(_with_totp(lti_admin))
    page = client.get("/lti/platforms/", secure=True)
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    assert b"Open Keystone in a new tab" not in page.content


def test_admin_registers_a_platform_in_the_portal(client, lti_admin):
    from tests.conftest import _with_totp

    client.force_login(_with_totp(lti_admin))
    bad = client.post("/lti/platforms/new/", {"name": "Moodle", "issuer": "not a url", "deployment_ids": ""})
    assert bad.status_code == 400
    assert bad.context["form"].errors["deployment_ids"]
    assert not LtiRegistration.objects.exists()
    good = client.post(
        "/lti/platforms/new/",
        {
            "name": "Moodle (staff academy)",
            "issuer": "https://moodle.example.org",
            "client_id": "abc123",
            "deployment_ids": "1\n2",
            "auth_url": "https://moodle.example.org/mod/lti/auth.php",
            "token_url": "https://moodle.example.org/mod/lti/token.php",
            "keyset_url": "https://moodle.example.org/mod/lti/certs.php",
        },
    )
    assert good.status_code == 302
    reg = LtiRegistration.objects.get()
    assert sorted(reg.deployments.filter(is_active=True).values_list("deployment_id", flat=True)) == ["1", "2"]
    assert reg.keystone_policy.verifies_email is False
    listing = client.get("/lti/platforms/")
    assert b"Moodle (staff academy)" in listing.content and b"/lti/jwks/" in listing.content


@pytest.mark.parametrize("role", ["anonymous", "leader", "facilitator"])
def test_platform_pages_are_for_admins_only(client, role, cohort):
    from tests.conftest import _with_totp
    from tests.factories import facilitator_of, member_of

    if role == "leader":
        client.force_login(member_of(cohort))
    elif role == "facilitator":
        client.force_login(_with_totp(facilitator_of(cohort)))
    response = client.get("/lti/platforms/")
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert client.post("/lti/keys/rotate/").status_code == (302 if role == "anonymous" else 403)
    assert not Key.objects.exists()


def test_course_page_for_its_facilitator_and_outage_message(client, platform, registration, people):
    from tests.factories import UserFactory

    launch(client, platform, "sub-teacher")
    course = CourseCohort.objects.get()
    page = client.get(f"/lti/courses/{course.pk}/")
    assert page.status_code == 200 and b"Sync roster from the LMS" in page.content
    platform.fail_services = True
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert b"did not answer" in response.content
    assert not RosterEntry.objects.exists()
    client.force_login(UserFactory())
    assert client.get(f"/lti/courses/{course.pk}/").status_code == 403


def test_refusal_page_can_show_inside_a_registered_lms_frame(client, platform, registration, people):
    from .simulator import new_rsa_pem

    response, _ = launch(client, platform, "sub-teacher", sign_with=new_rsa_pem()[1])
    assert response.status_code == 400
    assert f"frame-ancestors 'self' {platform.base}" in response.headers["Content-Security-Policy"]
    assert "keystone_lti" not in response.cookies  # no LTI session was started


def test_admin_links_a_launched_course_to_an_existing_cohort(client, platform, registration, people, lti_admin):
    from lti_tool.models import LtiContext

    from portal.people.models import Membership
    from tests.conftest import _with_totp
    from tests.factories import CohortFactory

    existing = CohortFactory(name="Spring leaders", slug="spring-leaders")
    response, _ = launch(client, platform, "sub-learner")  # a learner first: the course waits for a cohort
    assert b"not set up in" in response.content
    context = LtiContext.objects.get()
    client.force_login(_with_totp(lti_admin))
    waiting = client.get("/lti/courses/")
    assert b"Leading in the open" in waiting.content and b"link to a cohort" in waiting.content
    assert client.post(f"/lti/contexts/{context.pk}/link/", {"cohort": "999999"}).status_code == 400
    assert client.post(f"/lti/contexts/{context.pk}/link/", {"cohort": existing.pk}).status_code == 302
    client.logout()
    launch(client, platform, "sub-learner")
    learner = User.objects.get(email="lou.learner@lms.example")
    assert Membership.objects.get(user=learner).cohort == existing
    # The instructor's launch joins the linked cohort instead of creating one.
    client.logout()
    launch(client, platform, "sub-teacher")
    assert CourseCohort.objects.get().cohort == existing
    assert Membership.objects.get(user__email="tam.teacher@lms.example").kind == Membership.Kind.FACILITATOR
