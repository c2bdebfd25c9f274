"""The publish gate in the forums and blogs: the policy first, then the coach (block refuses, warn asks)."""

import pytest
from django.urls import reverse

from blogs.services.comments import comment_create
from blogs.services.entries import entry_save
from forums.models import Post, Topic
from forums.services import post_reply, topic_create
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.gate import PublishRefused
from onboarding.models import CoachTerm
from onboarding.services.coach import coach_term_add
from onboarding.services.policy import policy_acknowledge
from tests.factories import UserFactory, member_of
from tests.factories.blogs import EntryFactory
from tests.factories.forums import BoardFactory, TopicFactory

pytestmark = pytest.mark.django_db

REVENUE = "<p>Revenue reached £2.4m this quarter. What should we tell the teams?</p>"
CLEAN = "<p>Sales grew well this quarter. What should we tell the teams?</p>"


@pytest.fixture
def board(cohort):
    return BoardFactory(cohort=cohort, title="Northern Lights", slug="northern-lights-board")


@pytest.fixture
def newbie(cohort):
    return member_of(cohort, policy_acknowledged=False, profile__display_name="Nell New")


@pytest.fixture
def kestrel(admin_user):
    return coach_term_add(actor=admin_user, list=CoachTerm.List.BANNED, term="Project Kestrel")


# ----------------------------------------------------------------------------- forums, through the services
def test_no_post_before_acknowledging_the_policy(board, newbie):
    with pytest.raises(PublishRefused) as exc:
        topic_create(actor=newbie, board=board, title="My first topic", body=CLEAN)
    assert exc.value.reason == "policy" and "acknowledge the social media policy" in exc.value.messages[0]
    assert not Topic.objects.exists()
    policy_acknowledge(actor=newbie)
    assert topic_create(actor=newbie, board=board, title="My first topic", body=CLEAN).pk


def test_a_new_major_version_stops_posting_until_acknowledged_again(board, leader, admin_user):
    from onboarding.services.policy import policy_publish

    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    leader = type(leader).objects.get(pk=leader.pk)
    with pytest.raises(PublishRefused, match="acknowledge"):
        topic_create(actor=leader, board=board, title="After the change", body=CLEAN)


def test_block_refuses_even_with_post_anyway_and_is_recorded_without_text(board, leader, kestrel):
    body = "<p>Any news on Project Kestrel for the depots? What do you know?</p>"
    with pytest.raises(PublishRefused) as exc:
        topic_create(actor=leader, board=board, title="Depot news", body=body, post_anyway=True)
    assert exc.value.reason == "coach_block" and "Project Kestrel" in exc.value.messages[0]
    assert not Topic.objects.exists()
    finding = Activity.objects.get(actor=leader, verb=Verb.COACH_FINDING)
    assert "banned_terms" in finding.data["rules"] and finding.data["kind"] == "topic"
    assert "Kestrel" not in str(finding.data) and "depots" not in str(finding.data)


def test_warn_needs_post_anyway_then_posts_and_records_the_override(board, leader):
    topic = TopicFactory(board=board)
    with pytest.raises(PublishRefused) as exc:
        post_reply(actor=leader, topic=topic, body=REVENUE)
    assert exc.value.reason == "coach_warn"
    assert [f.rule for f in exc.value.findings if f.severity == "warn"] == ["figures"]
    assert Post.objects.filter(author=leader).count() == 0
    post_reply(actor=leader, topic=topic, body=REVENUE, post_anyway=True)
    override = Activity.objects.get(actor=leader, verb=Verb.COACH_OVERRIDDEN)
    assert override.data["rules"] == ["figures"] and override.data["kind"] == "reply"
    assert "2.4" not in str(override.data)


def test_tips_never_stop_a_post(board, leader):
    topic = TopicFactory(board=board)
    assert post_reply(actor=leader, topic=topic, body="<p>Agreed.</p>").pk


# ----------------------------------------------------------------------------- forums, through the composer
def test_composer_shows_the_warning_keeps_the_draft_and_posts_when_confirmed(client, board, leader):
    client.force_login(leader)
    url = reverse("forums:topic-create", args=[board.slug])
    data = {"title": "Quarter results", "kind": "discussion", "body": REVENUE, "client_key": "k1"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Are these figures public?" in html and "£2.4m" in html
    assert 'name="post_anyway"' in html
    assert "Revenue reached £2.4m" in html  # the draft is still in the composer
    assert not Topic.objects.exists()
    response = client.post(url, {**data, "post_anyway": "1"})
    assert response.status_code == 302
    assert Topic.objects.get().title == "Quarter results"


def test_composer_links_to_the_policy_when_not_acknowledged(client, board, newbie):
    client.force_login(newbie)
    url = reverse("forums:topic-create", args=[board.slug])
    response = client.post(url, {"title": "Hello everyone", "kind": "discussion", "body": CLEAN, "client_key": "k2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "please read and acknowledge the social media policy" in html.lower()
    assert reverse("onboarding:policy") in html


def test_composer_has_the_live_coach_panel(client, board, leader):
    client.force_login(leader)
    html = client.get(reverse("forums:topic-create", args=[board.slug])).content.decode()
    assert 'data-hx-post="/learn/coach/check/"' in html and '"coach_kind": "topic"' in html


def test_coach_panel_endpoint_explains_findings_and_links_the_lesson(client, board, leader):
    client.force_login(leader)
    response = client.post(
        reverse("onboarding:coach-check"), {"coach_kind": "topic", "coach_board": board.pk, "body": REVENUE}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Are these figures public?" in html
    assert reverse("onboarding:lesson-detail", args=["what-to-ask-and-share"]) in html
    # the same findings again (the writer is still typing) are recorded once
    client.post(reverse("onboarding:coach-check"), {"coach_kind": "topic", "body": REVENUE + "<p>More.</p>"})
    assert Activity.objects.filter(actor=leader, verb=Verb.COACH_FINDING).count() == 1


# ----------------------------------------------------------------------------- blogs
def test_publishing_an_entry_goes_through_the_gate(leader, kestrel):
    content = {"title": "Quarter notes", "summary": "", "body": REVENUE, "tags": "", "visibility": "org"}
    with pytest.raises(PublishRefused) as exc:
        entry_save(actor=leader, action="publish", **content)
    assert exc.value.reason == "coach_warn"
    entry = entry_save(actor=leader, action="publish", post_anyway=True, **content)
    assert entry.is_published
    blocked = {**content, "title": "Depots", "body": "<p>Project Kestrel starts soon. Thoughts?</p>"}
    with pytest.raises(PublishRefused):
        entry_save(actor=leader, action="publish", post_anyway=True, **blocked)
    # a draft is never gated: only publishing and scheduling are
    assert entry_save(actor=leader, action="save", **blocked).pk


def test_commenting_goes_through_the_gate(newbie, leader):
    entry = EntryFactory()
    with pytest.raises(PublishRefused, match="acknowledge"):
        comment_create(actor=newbie, entry=entry, body="<p>Thank you, this helped me a lot.</p>")
    with pytest.raises(PublishRefused) as exc:
        comment_create(actor=leader, entry=entry, body="<p>Call me on 020 7946 0958 to talk it over.</p>")
    assert exc.value.reason == "coach_warn"
    comment = comment_create(
        actor=leader, entry=entry, body="<p>Call me on 020 7946 0958 to talk it over.</p>", post_anyway=True
    )
    assert comment.pk


def test_blog_editor_shows_the_warning_and_the_post_anyway_box(client, leader):
    client.force_login(leader)
    data = {"title": "Quarter notes", "summary": "", "body": REVENUE, "tags": "", "visibility": "org",
            "comments_enabled": "on", "slug": "", "action": "publish"}  # fmt: skip
    response = client.post(reverse("blogs:entry-create"), data)
    html = response.content.decode()
    assert "Are these figures public?" in html and 'name="post_anyway"' in html
    assert "Revenue reached £2.4m" in html
    response = client.post(reverse("blogs:entry-create"), {**data, "post_anyway": "on"})
    assert response.status_code == 302
    assert Activity.objects.filter(actor=leader, verb=Verb.ENTRY_PUBLISHED).count() == 1


def test_people_other_than_the_writer_are_unaffected(board):
    someone = UserFactory()
    assert someone.policy_acks.count() == 1  # the shared factory acknowledges by default
