"""The social media policy: versions, acknowledgement, re-acknowledgement of major versions, export."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.models import PolicyAcknowledgement, PolicyVersion
from onboarding.selectors.policy import current_version, has_acknowledged_current, needs_reacknowledgement
from onboarding.services.policy import policy_acknowledge, policy_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(cohort):
    """A member who has not acknowledged the policy yet (the shared factory acknowledges by default)."""
    from tests.factories import member_of

    return member_of(cohort, policy_acknowledged=False, profile__display_name="Nell New")


def test_version_one_is_shipped_and_acknowledging_records_it_once(leader):
    version = current_version()
    assert version.label == "1.0" and "privileged information" in version.body_html.lower()
    assert not has_acknowledged_current(leader)
    first = policy_acknowledge(actor=leader)
    again = policy_acknowledge(actor=leader)
    assert first.pk == again.pk
    assert has_acknowledged_current(leader)
    activity = Activity.objects.get(actor=leader, verb=Verb.POLICY_ACKNOWLEDGED)
    assert activity.data == {"version": "1.0", "major": 1}


def test_minor_version_keeps_acknowledgements_major_asks_again(leader, admin_user):
    policy_acknowledge(actor=leader)
    minor = policy_publish(actor=admin_user, title="Social media policy", body_html="<p>Typo fixed.</p>", major=False)
    assert minor.label == "1.1"
    leader = type(leader).objects.get(pk=leader.pk)  # a new request
    assert has_acknowledged_current(leader)
    major = policy_publish(
        actor=admin_user, title="Social media policy", body_html="<p>New rules.</p>", change_summary="AI", major=True
    )
    assert major.label == "2.0"
    leader = type(leader).objects.get(pk=leader.pk)
    assert not has_acknowledged_current(leader)
    assert needs_reacknowledgement(leader)
    # old versions stay readable
    assert PolicyVersion.objects.count() == 3


def test_only_admins_publish_and_text_is_sanitised(admin_user, analyst, facilitator):
    for person in (analyst, facilitator):
        with pytest.raises(PermissionDenied):
            policy_publish(actor=person, title="x", body_html="<p>x</p>", major=True)
    with pytest.raises(ValidationError):
        policy_publish(actor=admin_user, title="Policy", body_html="<script>alert(1)</script>", major=True)
    version = policy_publish(
        actor=admin_user,
        title="Policy",
        body_html='<p onclick="x()">Read <a href="javascript:x()">me</a></p>',
        major=False,
    )
    assert "onclick" not in version.body_html and "javascript" not in version.body_html


def test_acknowledging_an_outdated_version_is_refused(leader, admin_user):
    old = current_version()
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    with pytest.raises(ValidationError, match="newer version"):
        policy_acknowledge(actor=leader, version=old)


def test_sign_in_after_a_major_version_redirects_to_the_policy(client, leader, admin_user):
    policy_acknowledge(actor=leader)
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    client.force_login(leader)  # sends user_logged_in like a real sign-in
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("onboarding:policy") + "?reason=new-version")
    page = client.get(response.url)
    assert page.status_code == 200 and b"A new version of the policy has been published" in page.content
    done = client.post(
        reverse("onboarding:policy-acknowledge"),
        {"confirm": "on", "version": current_version().pk, "next": "/"},
    )
    assert done.status_code == 302 and done.url == "/"
    assert client.get(reverse("home")).status_code == 200  # no longer redirected


def test_first_sign_in_is_not_redirected(client, leader):
    client.force_login(leader)
    assert client.get(reverse("home")).status_code == 200


def test_acknowledge_form_requires_the_box(client, leader):
    client.force_login(leader)
    response = client.post(reverse("onboarding:policy-acknowledge"), {"version": current_version().pk})
    assert response.status_code == 400
    assert b"Tick the box" in response.content
    assert not PolicyAcknowledgement.objects.filter(user=leader).exists()


def test_acknowledge_refuses_off_site_next(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("onboarding:policy-acknowledge"),
        {"confirm": "on", "version": current_version().pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == reverse("onboarding:path")


def test_export_lists_who_acknowledged_which_version_when(client, analyst, admin_user):
    people = [UserFactory(email=f"p{i}@harbourview.example", policy_acknowledged=False) for i in range(3)]
    for person in people[:2]:
        policy_acknowledge(actor=person)
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    policy_acknowledge(actor=type(people[0]).objects.get(pk=people[0].pk))
    client.force_login(analyst)
    response = client.get(reverse("onboarding:policy-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "display_name", "version", "version_title", "acknowledged_at"]
    assert sorted((r[0], r[2]) for r in rows[1:] if r[0].endswith("@harbourview.example")) == [
        ("p0@harbourview.example", "1.0"),
        ("p0@harbourview.example", "2.0"),
        ("p1@harbourview.example", "1.0"),
    ]
