"""Issue 17 (feat) in blogs: edit your own comments with a history, save entries, entry drafts in My drafts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from blogs.models import CommentRevision, Entry
from blogs.services.comments import comment_create, comment_delete, comment_edit
from blogs.services.entries import entry_create
from forums.models import Bookmark
from forums.selectors.personal import my_drafts, saved_items
from forums.services import bookmark_set
from tests.factories import EntryFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(leader):
    return EntryFactory(blog__owner=leader, author=leader, title="What I learned from reverse mentoring")


@pytest.fixture
def comment(entry, other_leader):
    return comment_create(actor=other_leader, entry=entry, body="<p>Thanks for sharing this.</p>")


def test_edit_keeps_the_original_and_every_version(comment, other_leader):
    comment_edit(actor=other_leader, comment=comment, body="<p>Thanks for sharing this, it helped.</p>")
    comment_edit(actor=other_leader, comment=comment, body="Plain text becomes a paragraph")
    comment.refresh_from_db()
    assert comment.body == "<p>Plain text becomes a paragraph</p>" and comment.edit_count == 2
    assert comment.edited_at is not None
    bodies = list(CommentRevision.objects.filter(comment=comment).values_list("number", "body"))
    assert bodies == [
        (1, "<p>Thanks for sharing this.</p>"),
        (2, "<p>Thanks for sharing this, it helped.</p>"),
        (3, "<p>Plain text becomes a paragraph</p>"),
    ]


def test_unchanged_text_writes_nothing_and_bad_text_is_refused(comment, other_leader):
    comment_edit(actor=other_leader, comment=comment, body="<p>Thanks for sharing this.</p>")
    assert not CommentRevision.objects.exists()
    with pytest.raises(ValidationError):
        comment_edit(actor=other_leader, comment=comment, body="<p>   </p>")
    comment.refresh_from_db()
    assert comment.body == "<p>Thanks for sharing this.</p>"


def test_only_the_writer_edits_and_not_after_deleting(comment, leader, facilitator, admin_user, other_leader):
    for person in (leader, facilitator, admin_user):
        with pytest.raises(PermissionDenied):
            comment_edit(actor=person, comment=comment, body="<p>Changed by someone else</p>")
    comment_delete(actor=other_leader, comment=comment)
    with pytest.raises(PermissionDenied):
        comment_edit(actor=other_leader, comment=comment, body="<p>Back again</p>")


def test_edit_page_without_javascript_and_history_page(client, comment, other_leader, leader):
    client.force_login(other_leader)
    page = client.get(comment.entry.get_absolute_url()).content.decode()
    edit_url = reverse("blogs:comment-edit", args=[comment.pk])
    assert edit_url in page
    form = client.get(edit_url)
    assert form.status_code == 200 and "Thanks for sharing this." in form.content.decode()
    bad = client.post(edit_url, {"body": ""})
    assert bad.status_code == 400 and "Write your comment" in bad.content.decode()
    response = client.post(edit_url, {"body": "<p>Thanks for sharing this with the cohort.</p>"})
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    client.force_login(leader)  # another reader sees the edit mark and the history
    page = client.get(comment.entry.get_absolute_url()).content.decode()
    history_url = reverse("blogs:comment-history", args=[comment.pk])
    assert history_url in page and edit_url not in page
    history = client.get(history_url).content.decode()
    assert "Version 2" in history and "<ins> with the cohort</ins>" in history and "original" in history


def test_save_an_entry_and_find_it_on_the_saved_page(client, entry, other_leader):
    client.force_login(other_leader)
    page = client.get(entry.get_absolute_url()).content.decode()
    save_url = reverse("forums:bookmark", args=["entry", entry.pk])
    assert save_url in page
    assert client.post(save_url, {"saved": "1"}).status_code == 302
    saved = client.get(reverse("forums:saved")).content.decode()
    assert entry.title in saved and "Blog entry" in saved
    assert ">Saved<" in client.get(entry.get_absolute_url()).content.decode()


def test_drafts_and_entries_others_cannot_read_are_never_saved(entry, leader, other_cohort):
    draft = entry_create(actor=leader, title="Not ready yet", body="<p>Half</p>")
    outsider = member_of(other_cohort)
    with pytest.raises(PermissionDenied):
        bookmark_set(actor=outsider, target=draft, saved=True)
    bookmark_set(actor=outsider, target=entry, saved=True)
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.DRAFT)  # unpublished later
    assert saved_items(outsider) == []
    assert Bookmark.objects.filter(user=outsider).count() == 1  # kept: it comes back if republished


def test_entry_drafts_appear_in_my_drafts(client, leader):
    entry_create(actor=leader, title="Notes on our away day", body="<p>Half a thought</p>")
    client.force_login(leader)
    html = client.get(reverse("forums:my-drafts")).content.decode()
    assert "Notes on our away day" in html and "Half a thought" in html and "Blog entry" in html
    assert [item.kind for item in my_drafts(leader)] == ["Blog entry"]


def test_a_muted_persons_entries_are_collapsed_in_the_following_stream(client, leader, other_leader):
    from blogs.services.follows import author_follow
    from forums.services import mute_person_set

    EntryFactory(blog__owner=other_leader, author=other_leader, title="Ten minutes a day on the boards")
    author_follow(actor=leader, author=other_leader)
    client.force_login(leader)
    url = reverse("blogs:following")
    html = client.get(url).content.decode()
    assert "Ten minutes a day on the boards" in html and "stream__item--muted" not in html
    mute_person_set(actor=leader, person=other_leader, muted=True)
    html = client.get(url).content.decode()
    assert "Ten minutes a day on the boards" in html and html.count("stream__item--muted") == 1
