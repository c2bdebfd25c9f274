import pytest

from portal.models import JobHeartbeat
from portal.tasks import heartbeat
from tests.conftest import wait_for


@pytest.mark.worker
def test_a_real_worker_runs_an_enqueued_job(celery_worker):
    heartbeat.delay()
    row = wait_for(lambda: JobHeartbeat.objects.filter(name="beat").first())
    assert row.last_run_at is not None


@pytest.mark.worker
def test_an_invitation_posted_on_the_web_is_mailed_by_the_worker(celery_worker, worker_smtp, client, facilitator):
    """The web request only queues the e-mail; the separate worker process renders and sends it over SMTP."""
    from django.urls import reverse

    from portal.people.models import Invitation

    worker_smtp.start()
    client.force_login(facilitator)
    response = client.post(
        reverse("invitations:create"),
        {
            "email": "nia.new@harbourview.example",
            "display_name": "Nia New",
            "management_level": "3",
            "cohort": facilitator.memberships.get().cohort_id,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    wait_for(lambda: worker_smtp.messages, timeout=60)
    (delivered,) = worker_smtp.messages
    assert delivered["to"] == ["nia.new@harbourview.example"]
    message = delivered["message"]
    assert "Fay Facilitator invited you to Northern Lights" in str(message["Subject"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"/invitations/{invitation.token}/" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"/invitations/{invitation.token}/" in html
