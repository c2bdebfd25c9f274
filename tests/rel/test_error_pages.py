"""Error pages in the portal's layout, with a way back; a failed write gives the text back."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_404_is_the_portals_page_with_a_way_back(client, leader):
    client.force_login(leader)
    response = client.get("/boards/no-such-board-here/really/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html
    assert 'aria-label="Primary"' in html  # the portal's header and navigation
    assert 'href="/"' in html


def test_403_is_the_portals_page(client, leader):
    client.force_login(leader)
    response = client.get(reverse("forums:review-queue"))  # moderation is for facilitators
    assert response.status_code == 403
    html = response.content.decode()
    assert "This is not available to you" in html and 'aria-label="Primary"' in html


def test_an_expired_form_gives_the_text_back(topic, other_leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_leader)
    words = "A long reply I wrote over twenty minutes & would hate to lose <3"
    response = client.post(reverse("forums:topic-reply", args=[topic.pk]), {"body": words, "password": "nope"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form had expired" in html
    assert "A long reply I wrote over twenty minutes &amp; would hate to lose &lt;3" in html  # escaped, kept
    assert "nope" not in html  # secrets are never echoed
    assert f'href="{reverse("forums:topic-reply", args=[topic.pk])}"' in html


def test_500_page_is_self_contained_and_gives_the_text_back(settings, leader):
    settings.ROOT_URLCONF = "tests.rel.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(leader)
    response = client.post("/boom/", {"body": "Words that must come back"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Words that must come back" in html
    assert "Server Error (500)" not in html


def test_500_template_renders_with_no_context_at_all():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in html and 'href="/"' in html


def test_a_disallowed_host_gets_the_400_page_not_a_crash():
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
