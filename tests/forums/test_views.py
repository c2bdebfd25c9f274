"""Views: forms show clear errors and keep what was typed, htmx partials, redirects and messages."""

import pytest
from django.urls import reverse

from forums.models import Draft, ModerationAction, Post, Topic
from forums.services import post_edit, post_reply, topic_lock_set
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, leader):
    client.force_login(leader)
    return client


def test_empty_body_shows_the_error_and_keeps_the_title(signed_in, board):
    response = signed_in.post(
        reverse("forums:topic-create", args=[board.slug]),
        {"title": "Keep this title", "body": "<p>   </p>", "kind": "discussion", "client_key": "k"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write something before posting" in page
    assert 'value="Keep this title"' in page
    assert not Topic.objects.exists()


def test_over_long_title_is_a_form_error(signed_in, board):
    response = signed_in.post(
        reverse("forums:topic-create", args=[board.slug]),
        {"title": "x" * 200, "body": "<p>fine</p>", "kind": "discussion"},
    )
    assert response.status_code == 400
    assert "Keep the title under 150 characters" in response.content.decode()


def test_double_submit_redirects_to_the_first_post(signed_in, topic):
    url = reverse("forums:topic-reply", args=[topic.pk])
    data = {"body": "<p>Only once</p>", "client_key": "same"}
    first = signed_in.post(url, data)
    second = signed_in.post(url, data, follow=True)
    assert first.status_code == 302
    assert "already posted" in second.content.decode()
    assert Post.objects.filter(topic=topic).count() == 2


def test_reply_to_a_locked_topic_keeps_the_text_and_explains(client, topic, other_leader, facilitator):
    client.force_login(other_leader)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="reply-composer"' in page
    topic_lock_set(actor=facilitator, topic=topic, locked=True)
    response = client.post(reverse("forums:topic-reply", args=[topic.pk]), {"body": "<p>My careful words</p>"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "locked this topic while you were writing" in body and "My careful words" in body
    assert Post.objects.filter(topic=topic).count() == 1
    follow = client.get(reverse("forums:topic-reply", args=[topic.pk]), follow=True).content.decode()
    assert "This topic is locked" in follow and 'id="reply-composer"' not in follow


def test_reply_error_keeps_the_typed_text(signed_in, topic, facilitator, settings):
    settings.FORUM_POST_MAX_CHARS = 20
    response = signed_in.post(
        reverse("forums:topic-reply", args=[topic.pk]), {"body": "<p>This is quite a bit longer than twenty</p>"}
    )
    assert response.status_code == 400
    assert "This is quite a bit longer than twenty" in response.content.decode()


def test_hidden_board_is_not_found(client, other_facilitator, board, topic):
    client.force_login(other_facilitator)
    assert client.get(reverse("forums:topic-create", args=[board.slug])).status_code == 404
    assert client.post(reverse("forums:topic-reply", args=[topic.pk]), {"body": "<p>x</p>"}).status_code == 404


def test_composer_restores_the_draft(signed_in, board, topic, leader):
    signed_in.post(reverse("forums:draft-save"), {"board": board.slug, "title": "Unfinished", "body": "<p>Half</p>"})
    assert Draft.objects.filter(user=leader, topic__isnull=True).exists()
    page = signed_in.get(reverse("forums:topic-create", args=[board.slug])).content.decode()
    assert 'value="Unfinished"' in page and "&lt;p&gt;Half&lt;/p&gt;" in page and "Draft restored" in page
    saved = signed_in.post(reverse("forums:draft-save"), {"board": board.slug, "topic": topic.pk, "body": "<p>R</p>"})
    assert saved.content.decode().startswith("Draft saved at")
    assert "&lt;p&gt;R&lt;/p&gt;" in signed_in.get(topic.get_absolute_url()).content.decode()


def test_a_late_autosave_answers_the_saved_time_and_keeps_the_newer_draft(signed_in, board, topic, leader):
    url = reverse("forums:draft-save")
    newer = {"board": board.slug, "topic": topic.pk, "body": "<p>Newer</p>", "draft_writer": "x1", "draft_seq": 7}
    assert signed_in.post(url, newer).content.decode().startswith("Draft saved at")
    late = signed_in.post(url, {**newer, "body": "<p>Old</p>", "draft_seq": 3})
    assert late.content.decode().startswith("Draft saved at")
    assert Draft.objects.get(user=leader, topic=topic).body == "<p>Newer</p>"
    assert signed_in.post(url, {**newer, "draft_seq": -1}).status_code == 400


def test_reaction_toggle_answers_the_partial_for_htmx(client, topic, other_leader):
    client.force_login(other_leader)
    url = reverse("forums:post-react", args=[topic.first_post.pk])
    response = client.post(url, {"kind": "thanks"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-hx-swap-oob="outerHTML:#post-1 .reactions"' in body
    assert 'aria-pressed="true"' in body and "Olive Other" in body
    assert client.post(url, {"kind": "hugs"}).status_code == 400


def test_quote_prefills_the_reply_with_a_revision_link(signed_in, topic, other_leader):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Worth quoting</p>")
    page = signed_in.get(reverse("forums:topic-reply", args=[topic.pk]) + f"?quote={reply.pk}").content.decode()
    assert f"/boards/p/{reply.pk}/history/#rev-1" in page
    fragment = signed_in.get(reverse("forums:post-quote", args=[reply.pk])).content.decode()
    assert fragment.startswith("<blockquote>") and "Olive Other wrote:" in fragment


def test_edited_posts_are_marked_and_the_history_shows_the_change(signed_in, topic, leader):
    post_edit(actor=leader, post=topic.first_post, body="<p>Mine starts with tea.</p>", reason="typo")
    page = signed_in.get(topic.get_absolute_url()).content.decode()
    assert ">edited</a>" in page
    history = signed_in.get(reverse("forums:post-history", args=[topic.first_post.pk])).content.decode()
    assert "<del>coffee</del>" in history and "<ins>tea</ins>" in history and "typo" in history


def test_flag_form_needs_words_for_something_else(client, topic, other_leader):
    client.force_login(other_leader)
    url = reverse("forums:flag-create", args=["post", topic.first_post.pk])
    response = client.post(url, {"reason": "other", "text": ""})
    assert response.status_code == 400 and "in a few words" in response.content.decode()
    assert client.post(url, {"reason": "off_topic"}).status_code == 302
    assert client.get(topic.get_absolute_url()).content.decode().count(">Flagged</span>") == 1


def test_moderator_tools_pin_lock_slow_mode_and_move(client, facilitator, topic, cohort):
    archive = BoardFactory(cohort=cohort, title="Archive")
    client.force_login(facilitator)
    moderate = reverse("forums:topic-moderate", args=[topic.pk])
    client.post(moderate, {"action": "pin", "reason": "Read first"})
    client.post(moderate, {"action": "slow_mode", "minutes": "15"})
    assert client.post(moderate, {"action": "slow_mode", "minutes": "7"}).status_code == 400
    assert client.post(moderate, {"action": "explode"}).status_code == 400
    client.post(reverse("forums:topic-move", args=[topic.pk]), {"board": archive.pk, "reason": "tidy"})
    topic.refresh_from_db()
    assert topic.is_pinned and topic.slow_mode_minutes == 15 and topic.board == archive
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {"pin", "slow_mode", "move"}
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Slow mode: one post every 15 min" in page and "Moderator tools" in page


def test_board_create_form_offers_only_the_facilitators_cohorts(client, facilitator, cohort, other_cohort):
    client.force_login(facilitator)
    page = client.get(reverse("forums:board-create")).content.decode()
    assert cohort.name in page and other_cohort.name not in page and "Everyone in the organisation" not in page
    response = client.post(reverse("forums:board-create"), {"cohort": other_cohort.pk, "title": "Sneaky"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(reverse("forums:board-create"), {"cohort": cohort.pk, "title": "Wins", "guidelines": "Go"})
    assert response.status_code == 302


def test_search_page_highlights_and_paginates(signed_in, topic):
    page = signed_in.get(reverse("forums:search"), {"q": "coffee"}).content.decode()
    assert "<mark>coffee</mark>" in page and "1 result for" in page


def test_admin_lists_forum_records_read_only(client, admin_user, topic):
    client.force_login(admin_user)
    assert client.get(reverse("admin:forums_topic_changelist")).status_code == 200
    assert client.get(reverse("admin:forums_post_change", args=[topic.first_post.pk])).status_code == 200
    assert client.get(reverse("admin:forums_board_add")).status_code == 403
