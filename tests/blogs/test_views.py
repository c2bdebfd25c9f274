"""Blog pages and forms as a person uses them: what they see, the errors they get, the draft they keep."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from blogs.models import Entry, EntryAutosave, EntryRead, FeedToken, TagFollow
from blogs.services import entries as entry_services
from metrics.verbs import Verb
from portal.people.models import Follow
from tests.factories import (
    CommentFactory,
    EntryFactory,
    EntryReadFactory,
    FollowFactory,
    TagFactory,
    TagFollowFactory,
    member_of,
)

from .conftest import activities, png_upload

pytestmark = pytest.mark.django_db


def editor_post(client, url, **data):
    payload = {"title": "Leading out loud", "body": "<p>Hello <strong>team</strong></p>", "visibility": "org"}
    payload.update(data)
    payload.setdefault("action", "save")
    return client.post(url, payload)


# ---------------------------------------------------------------- the editor
def test_saving_a_draft_creates_it_and_returns_to_the_editor(client, leader):
    client.force_login(leader)
    response = editor_post(client, reverse("blogs:entry-create"), tags="first steps", comments_enabled="on")
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == reverse("blogs:entry-edit", args=[entry.pk])
    assert entry.status == Entry.Status.DRAFT and [t.name for t in entry.tags.all()] == ["first steps"]
    page = client.get(response.url)
    assert "Draft saved" in page.content.decode()
    assert "Status: Draft" in page.content.decode()


def test_scheduling_in_the_past_shows_a_clear_error_and_keeps_the_draft(client, leader):
    client.force_login(leader)
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = editor_post(
        client, reverse("blogs:entry-create"), action="schedule", publish_at=past, title="Keep me please"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "That time has already passed" in html
    assert 'value="Keep me please"' in html  # the form still holds what was typed
    assert not Entry.objects.exists()  # all or nothing
    assert EntryAutosave.objects.get(author=leader).title == "Keep me please"  # and the server kept a copy


def test_duplicate_slug_unknown_tags_and_oversized_image_are_clear_errors(client, leader, settings):
    client.force_login(leader)
    entry_services.entry_create(actor=leader, title="Taken", slug="taken")
    response = editor_post(client, reverse("blogs:entry-create"), slug="taken")
    assert "You already have an entry at “taken”" in response.content.decode()

    response = editor_post(client, reverse("blogs:entry-create"), tags="ok, bad<tag>")
    assert "letters, numbers, spaces and hyphens" in response.content.decode()

    settings.UPLOAD_MAX_BYTES = 1024
    response = editor_post(client, reverse("blogs:entry-create"), cover=png_upload(size=(1200, 900)))
    assert "The image is larger than" in response.content.decode()
    assert Entry.objects.count() == 1


def test_publish_with_an_image_goes_to_the_entry_page(client, leader):
    client.force_login(leader)
    response = editor_post(
        client, reverse("blogs:entry-create"), action="publish", cover=png_upload(), cover_alt="A harbour at dawn"
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == entry.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Published. People who follow you will be told." in page
    assert 'alt="A harbour at dawn"' in page and entry.cover.url in page
    assert "<strong>team</strong>" in page


def test_all_editor_errors_show_together(client, leader):
    client.force_login(leader)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = editor_post(
        client, reverse("blogs:entry-create"), action="schedule", publish_at=past, tags="bad#tag"
    ).content.decode()
    assert "That time has already passed" in html and "Please change “bad#tag”" in html


def test_editing_a_published_entry_marks_it_updated(client, leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    client.force_login(leader)
    response = editor_post(client, reverse("blogs:entry-edit", args=[entry.pk]), slug=entry.slug, body="<p>Better</p>")
    assert response.url == entry.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Your changes are live" in page and "Updated" in page


def test_someone_elses_entry_is_403_when_visible_and_404_when_not(client, leader, other_leader, other_facilitator):
    entry = EntryFactory(blog__owner=leader, author=leader)
    client.force_login(other_leader)
    assert client.get(reverse("blogs:entry-edit", args=[entry.pk])).status_code == 403
    assert editor_post(client, reverse("blogs:entry-edit", args=[entry.pk])).status_code == 403
    hidden = EntryFactory(
        blog__owner=leader, author=leader, visibility=Entry.Visibility.COHORT, cohort=leader.cohorts.get()
    )
    client.force_login(other_facilitator)
    assert client.get(reverse("blogs:entry-edit", args=[hidden.pk])).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_autosave_keeps_a_copy_that_the_editor_restores(client, leader):
    entry = entry_services.entry_create(actor=leader, title="Saved title", body="<p>Saved</p>")
    client.force_login(leader)
    response = client.post(
        reverse("blogs:entry-autosave", args=[entry.pk]),
        {"title": "Newer title", "body": "<p>Newer words</p>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Draft kept safe" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Saved title"
    page = client.get(reverse("blogs:entry-edit", args=[entry.pk])).content.decode()
    assert "We restored the changes" in page and 'value="Newer title"' in page
    client.post(reverse("blogs:entry-autosave", args=[entry.pk]), {"discard": "1"})
    page = client.get(reverse("blogs:entry-edit", args=[entry.pk])).content.decode()
    assert "We restored the changes" not in page and 'value="Saved title"' in page


def test_a_late_autosave_keeps_the_newer_working_copy(client, leader):
    entry = entry_services.entry_create(actor=leader, title="Saved title", body="<p>Saved</p>")
    client.force_login(leader)
    url = reverse("blogs:entry-autosave", args=[entry.pk])
    newer = {"title": "T", "body": "<p>Newer words</p>", "draft_writer": "e1", "draft_seq": 8}
    client.post(url, newer, HTTP_HX_REQUEST="true")
    late = client.post(url, {**newer, "body": "<p>Older</p>", "draft_seq": 5}, HTTP_HX_REQUEST="true")
    assert "Draft kept safe" in late.content.decode()
    assert "Newer words" in client.get(reverse("blogs:entry-edit", args=[entry.pk])).content.decode()


def test_preview_renders_unsaved_content_like_the_entry_page_and_stores_nothing(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("blogs:draft-preview"),
        {
            "title": "Not saved yet",
            "body": "<p>Look <em>here</em><script>x</script></p>",
            "tags": "pilot",
            "cover": png_upload(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in html and "Not saved yet" in html and "<em>here</em>" in html and "<script>" not in html
    assert 'class="entry__body prose"' in html  # the same include as the entry page
    assert 'src="data:image/webp;base64,' in html
    assert not Entry.objects.exists()


# ---------------------------------------------------------------- reading
def test_entry_page_counts_one_read_per_reader(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    client.force_login(other_leader)
    client.get(entry.get_absolute_url())
    page = client.get(entry.get_absolute_url()).content.decode()
    assert EntryRead.objects.filter(entry=entry).count() == 1
    assert activities(Verb.ENTRY_READ).count() == 1
    assert "1 reader" in page and "1 min read" in page


def test_draft_is_seen_only_by_its_author(client, leader, other_leader):
    entry = entry_services.entry_create(actor=leader, title="Secret draft", body="<p>x</p>")
    client.force_login(other_leader)
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(leader)
    assert "Draft: only you can see this." in client.get(entry.get_absolute_url()).content.decode()


def test_all_blogs_page_shows_latest_most_read_and_who_to_follow(client, leader, other_leader, cohort):
    popular = member_of(cohort, profile__display_name="Priya Popular")
    entry = EntryFactory(blog__owner=popular, author=popular, title="On listening")
    for _ in range(3):
        fan = member_of(cohort)
        FollowFactory(follower=fan, followee=popular)
        EntryReadFactory(entry=entry, reader=fan)
    EntryFactory(blog__owner=other_leader, author=other_leader, title="Quiet note")
    client.force_login(leader)
    html = client.get(reverse("blogs:index")).content.decode()
    assert "On listening" in html and "Quiet note" in html
    most_read = html.split('id="most-read-title"')[1].split("</section>")[0]
    assert "On listening" in most_read and "3 readers" in most_read
    who = html.split('id="who-title"')[1].split("</section>")[0]
    # by influence (issue 17): the followed author first; the quiet one still suggested for her entry
    assert who.index("Priya Popular") < who.index("Olive Other")
    assert "3 followers" in who


def test_empty_blogs_page_invites_the_first_entry(client, leader):
    client.force_login(leader)
    html = client.get(reverse("blogs:index")).content.decode()
    assert "No entries yet" in html and reverse("blogs:entry-create") in html


def test_author_page_redirects_to_blog_or_explains_there_is_none(client, leader, other_leader):
    client.force_login(leader)
    page = client.get(reverse("blogs:author", args=[other_leader.pk]))
    assert "has not published a blog entry yet" in page.content.decode()
    entry = EntryFactory(blog__owner=other_leader, author=other_leader)
    assert client.get(reverse("blogs:author", args=[other_leader.pk])).url == entry.blog.get_absolute_url()


def test_following_page_merges_followed_authors_and_tags(client, leader, other_leader, cohort):
    tagged_author = member_of(cohort, profile__display_name="Tam Tagger")
    tag = TagFactory(name="coaching")
    FollowFactory(follower=leader, followee=other_leader)
    TagFollowFactory(user=leader, tag=tag)
    EntryFactory(blog__owner=other_leader, author=other_leader, title="From someone I follow")
    EntryFactory(blog__owner=tagged_author, author=tagged_author, title="Tagged coaching", tags=[tag])
    EntryFactory(title="Not followed at all")
    client.force_login(leader)
    html = client.get(reverse("blogs:following")).content.decode()
    assert "From someone I follow" in html and "You follow Olive Other" in html
    assert "Tagged coaching" in html and "Tagged coaching</a>" in html
    assert "Not followed at all" not in html


def test_following_page_pages_through_older_entries_without_repeats(client, leader, other_leader, settings):
    settings.BLOGS_PAGE_SIZE = 2
    FollowFactory(follower=leader, followee=other_leader)
    blog_entries = [
        EntryFactory(
            blog__owner=other_leader,
            author=other_leader,
            title=f"Entry number {i}",
            published_at=timezone.now() - timedelta(hours=i),
        )
        for i in range(5)
    ]
    blog = blog_entries[0].blog
    Entry.objects.filter(pk__in=[e.pk for e in blog_entries]).update(blog=blog)
    client.force_login(leader)
    seen = []
    url = reverse("blogs:following")
    while url:
        response = client.get(url)
        seen += [e.title for e in blog_entries if f">{e.title}<" in response.content.decode()]
        cursor = response.context["next_cursor"]
        url = f"{reverse('blogs:following')}?{urlencode({'before': cursor})}" if cursor else None
        assert len(seen) <= 5
    assert seen == [f"Entry number {i}" for i in range(5)]


# ---------------------------------------------------------------- comments and follows
def test_posting_a_comment_returns_to_it_on_the_entry_page(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    client.force_login(other_leader)
    response = client.post(reverse("blogs:comment-create", args=[entry.pk]), {"body": "<p>Thanks for sharing</p>"})
    comment = entry.comments.get()
    assert response.url == f"{entry.get_absolute_url()}#comment-{comment.pk}"
    html = client.get(response.url).content.decode()
    assert "Your comment is posted." in html and "Thanks for sharing" in html
    assert f'id="comment-{comment.pk}"' in html


def test_reply_link_without_javascript_prepares_the_composer(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    top = CommentFactory(entry=entry, author=leader)
    client.force_login(other_leader)
    html = client.get(f"{entry.get_absolute_url()}?reply_to={top.pk}").content.decode()
    assert "Replying to Lee Leader." in html
    assert f'name="reply_to" value="{top.pk}"' in html


def test_reply_typed_without_javascript_keeps_paragraphs_and_goes_to_the_thread(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    top = CommentFactory(entry=entry, author=leader)
    client.force_login(other_leader)
    response = client.post(
        reverse("blogs:comment-create", args=[entry.pk]), {"body": "First line\n\nSecond <b>x</b>", "reply_to": top.pk}
    )
    reply = top.replies.get()
    assert response.url.endswith(f"#comment-{reply.pk}")
    assert reply.body == "<p>First line</p>\n\n<p>Second &lt;b&gt;x&lt;/b&gt;</p>"


def test_empty_comment_shows_the_error_on_the_entry_page(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader)
    client.force_login(other_leader)
    response = client.post(reverse("blogs:comment-create", args=[entry.pk]), {"body": ""})
    assert response.status_code == 400 and "Write your comment before posting." in response.content.decode()


def test_comments_turned_off_hide_the_form(client, leader, other_leader):
    entry = EntryFactory(blog__owner=leader, author=leader, comments_enabled=False)
    client.force_login(other_leader)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "The author has turned comments off" in html and "Post comment" not in html


def test_follow_author_and_tag_buttons(client, leader, other_leader):
    tag = TagFactory(name="feedback")
    client.force_login(leader)
    response = client.post(
        reverse("blogs:author-follow", args=[other_leader.pk]), {"action": "follow"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Following Olive Other" in html and "1 follower" in html
    assert f'id="follow-{other_leader.pk}"' in html and f'data-hx-target="#follow-{other_leader.pk}"' in html
    assert Follow.objects.filter(follower=leader, followee=other_leader).exists()
    response = client.post(reverse("blogs:tag-follow", args=[tag.slug]), {"action": "follow"})
    assert response.status_code == 302 and TagFollow.objects.filter(user=leader, tag=tag).exists()
    response = client.post(
        reverse("blogs:author-follow", args=[leader.pk]), {"action": "follow"}, HTTP_HX_REQUEST="true"
    )
    assert "You cannot follow yourself." in response.content.decode()


# ---------------------------------------------------------------- feeds page and OPML
def test_feeds_page_lists_private_addresses_and_reset_revokes_them(client, leader, other_leader):
    FollowFactory(follower=leader, followee=other_leader)
    client.force_login(leader)
    html = client.get(reverse("blogs:feeds")).content.decode()
    old = FeedToken.objects.get(user=leader).key
    assert f"/blogs/feeds/{old}/people/{other_leader.pk}/atom/" in html
    client.post(reverse("blogs:feed-token-reset"))
    assert client.get(f"/blogs/feeds/{old}/following/atom/").status_code == 404
    assert activities(Verb.FEED_TOKEN_RESET, actor=leader).count() == 1


def test_opml_lists_everything_followed_and_records_use(client, leader, other_leader):
    import xml.etree.ElementTree as ET

    FollowFactory(follower=leader, followee=other_leader)
    TagFollowFactory(user=leader, tag=TagFactory(name="listening"))
    client.force_login(leader)
    response = client.get(reverse("blogs:opml"))
    assert response["Content-Disposition"].startswith("attachment")
    tree = ET.fromstring(response.content)  # noqa: S314
    feeds = {o.get("text"): o.get("xmlUrl") for o in tree.iter("outline") if o.get("xmlUrl")}
    token = FeedToken.objects.get(user=leader).key
    assert feeds["Olive Other"] == f"http://testserver/blogs/feeds/{token}/people/{other_leader.pk}/atom/"
    assert feeds["listening"].endswith(f"/blogs/feeds/{token}/tags/listening/atom/")
    assert "Everything you follow" in feeds
    assert activities(Verb.FEED_USED, actor=leader).get().data == {"via": "opml"}
