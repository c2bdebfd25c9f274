"""The topic page builds each post's links once per page and its buttons post through the page's two shared forms
(issue 13); the links must be the real URLs and every button must do, with and without JavaScript, what it did
when each post carried its own forms."""

import re
from urllib.parse import urljoin

from django.urls import reverse

from forums.models import Bookmark, Mute, Reaction
from tests.factories import BoardFactory, TopicFactory, reply_to


def _links(html: str, base: str) -> set[str]:
    return {urljoin(base, href) for href in re.findall(r'href="([^"]+)"', html)}


def test_every_post_link_on_the_topic_page_is_the_reversed_url(client, leader, other_leader, cohort):
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=other_leader)
    mine = reply_to(topic, leader, "<p>Mine</p>")
    theirs = reply_to(topic, other_leader, "<p>Theirs</p>")
    client.force_login(leader)
    url = topic.get_absolute_url()
    html = client.get(url).content.decode()
    links = _links(html, url)
    reply = reverse("forums:topic-reply", args=[topic.pk])
    for post in (mine, theirs):
        assert reverse("forums:post-detail", args=[post.pk]) in links
        assert f"{reply}?to={post.pk}" in links and f"{reply}?quote={post.pk}" in links
    # the quote URL forums.js builds from the stream's pattern
    pattern = re.search(r'data-quote-url="([^"]+)"', html).group(1)
    assert pattern.replace("/0/", f"/{theirs.pk}/") == reverse("forums:post-quote", args=[theirs.pk])
    assert reverse("forums:flag-create", args=["post", theirs.pk]) in links
    assert reverse("forums:post-edit", args=[mine.pk]) in links
    assert f'formaction="{reverse("forums:post-delete", args=[mine.pk])}"' in html
    assert reverse("people:profile", args=[other_leader.pk]) in links
    # one CSRF token per shared form, none per post
    assert html.count('name="csrfmiddlewaretoken"') <= 6


def test_reacting_without_javascript_posts_the_page_form_and_returns_to_the_post(client, leader, other_leader, topic):
    post = reply_to(topic, other_leader, "<p>Worth a like</p>")
    client.force_login(leader)
    page = client.get(topic.get_absolute_url()).content.decode()
    action = re.search(r'<form id="pr" method="post" action="([^"]+)"', page).group(1)
    assert f'<button name="like:{post.pk}" aria-pressed="false">Like</button>' in page

    response = client.post(action, {f"like:{post.pk}": ""})
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert Reaction.objects.filter(post=post, user=leader, kind="like").exists()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'<button name="like:{post.pk}" aria-pressed="true">Like 1</button>' in page
    assert "Who reacted</summary>Like: Lee Leader" in page


def test_reacting_with_htmx_answers_the_posts_reactions_in_place_and_a_word_for_the_live_region(
    client, leader, other_leader, topic
):
    post = reply_to(topic, other_leader, "<p>Worth thanks</p>")
    client.force_login(leader)
    action = reverse("forums:topic-post-button", args=[topic.pk])
    answer = client.post(action, {f"thanks:{post.pk}": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-hx-swap-oob="outerHTML:#post-{post.number} .reactions"' in answer
    assert f'<button name="thanks:{post.pk}" aria-pressed="true">Thanks 1</button>' in answer
    assert '<p id="post-status" data-hx-swap-oob="innerHTML">You reacted thanks.</p>' in answer
    answer = client.post(action, {f"thanks:{post.pk}": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert f'<button name="thanks:{post.pk}" aria-pressed="false">Thanks</button>' in answer
    assert not Reaction.objects.filter(post=post).exists()


def test_save_and_mute_buttons_work_through_the_shared_forms(client, leader, other_leader, topic):
    post = reply_to(topic, other_leader, "<p>Keep this</p>")
    client.force_login(leader)
    action = reverse("forums:topic-post-button", args=[topic.pk])
    answer = client.post(action, {f"save:{post.pk}": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert Bookmark.objects.filter(user=leader, object_id=post.pk).exists()
    assert f'<button name="unsave:{post.pk}"' in answer and "Saved for later." in answer
    assert client.post(action, {f"unsave:{post.pk}": ""}).status_code == 302
    assert not Bookmark.objects.filter(user=leader, object_id=post.pk).exists()

    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'<button form="pa" name="mute:{post.pk}" aria-describedby="by-{post.number}">Mute</button>' in page
    response = client.post(action, {f"mute:{post.pk}": ""})
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert Mute.objects.filter(user=leader, person=other_leader).exists()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f"A post by Olive Other, whom you muted (#{post.number})" in page
    assert f'name="unmute:{post.pk}"' in page


def test_the_page_form_refuses_unknown_buttons_and_other_topics_posts(client, leader, other_leader, topic, board):
    elsewhere = TopicFactory(board=board, author=other_leader)
    client.force_login(leader)
    action = reverse("forums:topic-post-button", args=[topic.pk])
    assert client.post(action, {f"hugs:{topic.first_post.pk}": ""}).status_code == 400
    assert client.post(action, {f"like:{elsewhere.first_post.pk}": ""}).status_code == 400
    assert client.post(action, {}).status_code == 400
    assert not Reaction.objects.exists()


def test_the_topic_pages_composer_fetches_the_editor_configuration_instead_of_carrying_it(client, leader, topic):
    from forums.forms import ReplyForm

    client.force_login(leader)
    page = client.get(topic.get_absolute_url()).content.decode()
    url = reverse("forums:editor-config")
    assert "data-django-prose-editor-configurable" not in page and f'data-editor-config="{url}"' in page
    assert client.get(url).json() == ReplyForm().fields["body"].widget.get_config()
    # where writing is the point of the page, the configuration stays in it
    assert (
        "data-django-prose-editor-configurable"
        in client.get(reverse("forums:topic-reply", args=[topic.pk])).content.decode()
    )


def test_each_post_is_rendered_once_then_served_from_the_cache_until_something_it_shows_changes(
    client, leader, other_leader, topic
):
    from django.core.cache import cache
    from django.test.signals import template_rendered

    from forums.services import reaction_toggle

    cache.clear()  # earlier tests' posts may be there already (same content, same key: rightly shared)
    reply = reply_to(topic, other_leader, "<p>Cache me</p>")
    rendered = []

    def count(sender, template, context, **kwargs):
        if template.name == "forums/partials/post.html":
            rendered.append(context["p"]["pk"])

    template_rendered.connect(count)
    try:
        client.force_login(leader)
        first = client.get(topic.get_absolute_url()).content.decode()
        assert sorted(rendered) == sorted([topic.first_post.pk, reply.pk])
        rendered.clear()
        second = client.get(topic.get_absolute_url()).content.decode()
        assert rendered == [] and second.count("Cache me") == 1
        stream = re.compile(r'<div class="post-stream".*?</form>', re.S)
        assert stream.search(first).group(0) == stream.search(second).group(0)
        reaction_toggle(
            actor=leader, post=reply, kind="insightful"
        )  # what the reply shows changed; the opening did not
        third = client.get(topic.get_absolute_url()).content.decode()
        assert rendered == [reply.pk]
        assert f'<button name="insightful:{reply.pk}" aria-pressed="true">Insightful 1</button>' in third
    finally:
        template_rendered.disconnect(count)
