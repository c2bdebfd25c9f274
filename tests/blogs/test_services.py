"""Blog services: the rules a writer and reader notice, the activity they leave, and all-or-nothing writes."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from blogs.models import Blog, Entry, EntryAutosave, EntryRead, FeedToken, TagFollow
from blogs.selectors.entries import autosave_for, visible_entries
from blogs.services import comments, entries, feeds, follows, publishing, reads
from metrics.verbs import Verb
from portal.images import process_upload
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import CommentFactory, EntryFactory, FollowFactory, TagFactory, TagFollowFactory, member_of

from .conftest import activities, png_upload

pytestmark = pytest.mark.django_db


def write(actor, **kwargs):
    return entries.entry_create(actor=actor, title=kwargs.pop("title", "My first week"), **kwargs)


# ---------------------------------------------------------------- creating and editing
def test_first_entry_creates_the_personal_blog_once(leader):
    first = write(leader, body="<p>One</p>")
    second = write(leader, title="Second thoughts", body="<p>Two</p>")
    assert first.blog == second.blog
    assert first.blog.kind == Blog.Kind.PERSONAL and first.blog.owner == leader
    assert Blog.objects.filter(owner=leader).count() == 1
    assert first.status == Entry.Status.DRAFT
    assert activities(Verb.ENTRY_DRAFTED, actor=leader).count() == 2
    assert first.revisions.count() == 1


def test_body_is_sanitised_in_the_service(leader):
    entry = write(leader, body='<p onclick="x()">Hi <script>alert(1)</script><a href="https://ex.example">link</a></p>')
    assert "script" not in entry.body and "onclick" not in entry.body
    assert 'rel="nofollow ugc noopener"' in entry.body


def test_typed_duplicate_slug_is_a_clear_error_and_nothing_is_written(leader):
    write(leader, title="Listening tour", slug="listening-tour")
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as err:
        write(leader, title="Another", slug="listening-tour")
    assert "already have an entry" in str(err.value.message_dict["slug"])
    assert Entry.objects.count() == before


def test_slug_from_a_repeated_title_is_made_unique(leader):
    a = write(leader, title="Week one")
    b = write(leader, title="Week one")
    assert a.slug == "week-one" and b.slug == "week-one-2"


def test_unknown_tag_characters_are_refused_with_the_offending_tag_named(leader):
    with pytest.raises(ValidationError) as err:
        write(leader, tags="leadership, c#sharp!, ok")
    assert "c#sharp!" in err.value.messages[0]
    assert not Entry.objects.exists()


def test_tags_are_shared_case_insensitively(leader, other_leader):
    a = write(leader, tags="First Steps, listening")
    b = write(other_leader, tags=["first steps"])
    assert {t.pk for t in a.tags.all()} >= {t.pk for t in b.tags.all()}


def test_limiting_to_a_cohort_the_author_is_not_in_is_refused(leader, other_cohort):
    with pytest.raises(ValidationError) as err:
        write(leader, visibility=Entry.Visibility.COHORT, cohort=other_cohort)
    assert "cohort" in err.value.message_dict


def test_editing_someone_elses_entry_is_refused(leader, other_leader):
    entry = write(leader)
    with pytest.raises(PermissionDenied):
        entries.entry_update(actor=other_leader, entry=entry, title="Hijacked")
    entry.refresh_from_db()
    assert entry.title == "My first week"


def test_cohort_blog_is_written_by_its_facilitator_only(facilitator, leader, cohort):
    entry = write(facilitator, cohort_blog=cohort, visibility=Entry.Visibility.COHORT)
    assert entry.blog.kind == Blog.Kind.COHORT and entry.cohort == cohort
    with pytest.raises(PermissionDenied):
        write(leader, cohort_blog=cohort)


def test_cover_image_is_reencoded(leader):
    entry = write(leader, cover=process_upload(png_upload(), square_thumb=False, thumb_side=640))
    assert entry.cover.name.endswith(".webp") and entry.cover_thumb.name.endswith(".webp")


# ---------------------------------------------------------------- status
def test_scheduling_in_the_past_is_refused_and_the_entry_is_unchanged(leader):
    entry = write(leader, body="<p>Text</p>")
    with pytest.raises(ValidationError) as err:
        publishing.entry_schedule(actor=leader, entry=entry, publish_at=timezone.now() - timedelta(minutes=1))
    assert "already passed" in err.value.message_dict["publish_at"][0]
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT and entry.publish_at is None


def test_a_failed_schedule_rolls_back_the_content_change_too(leader):
    entry = write(leader, body="<p>Original</p>")
    with pytest.raises(ValidationError):
        entries.entry_save(
            actor=leader,
            action="schedule",
            entry=entry,
            publish_at=timezone.now() - timedelta(hours=1),
            title="New title",
            body="<p>Changed</p>",
        )
    entry.refresh_from_db()
    assert entry.title == "My first week" and entry.body == "<p>Original</p>"


def test_publishing_needs_a_body(leader):
    entry = write(leader)
    with pytest.raises(ValidationError) as err:
        publishing.entry_publish(actor=leader, entry=entry)
    assert "body" in err.value.message_dict
    assert not activities(Verb.ENTRY_PUBLISHED).exists()


def test_publish_records_once_and_update_after_publishing_is_marked(leader):
    entry = write(leader, body="<p>Text</p>")
    publishing.entry_publish(actor=leader, entry=entry)
    publishing.entry_publish(actor=leader, entry=entry)  # already published: nothing happens
    entry.refresh_from_db()
    assert entry.is_published and entry.updated_at is None
    assert activities(Verb.ENTRY_PUBLISHED, actor=leader).count() == 1

    entries.entry_update(actor=leader, entry=entry, title=entry.title, body="<p>Text, improved</p>")
    entry.refresh_from_db()
    assert entry.updated_at is not None
    assert activities(Verb.ENTRY_UPDATED, actor=leader).count() == 1
    assert entry.revisions.count() == 2

    # Saving without a change neither marks it updated again nor adds a revision.
    marked = entry.updated_at
    entries.entry_update(actor=leader, entry=entry, title=entry.title, body=entry.body)
    entry.refresh_from_db()
    assert entry.updated_at == marked and entry.revisions.count() == 2


def test_unpublish_hides_the_entry_from_readers(leader, other_leader):
    entry = write(leader, body="<p>Text</p>")
    publishing.entry_publish(actor=leader, entry=entry)
    assert visible_entries(other_leader).filter(pk=entry.pk).exists()
    publishing.entry_unpublish(actor=leader, entry=entry)
    assert not visible_entries(other_leader).filter(pk=entry.pk).exists()
    assert activities(Verb.ENTRY_UNPUBLISHED, actor=leader).count() == 1


def test_followers_are_told_once_in_batches_and_only_if_they_may_read(
    leader, cohort, other_cohort, settings, django_capture_on_commit_callbacks
):
    settings.BLOGS_FANOUT_BATCH = 2
    insiders = [member_of(cohort) for _ in range(5)]
    outsider = member_of(other_cohort)
    tag = TagFactory(name="listening")
    for person in insiders:
        FollowFactory(follower=person, followee=leader)
    TagFollowFactory(user=outsider, tag=tag)
    entry = write(leader, body="<p>Text</p>", tags=["listening"], visibility=Entry.Visibility.COHORT, cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.entry_publish(actor=leader, entry=entry)  # eager Celery: the fan-out runs on commit
    told = Notification.objects.filter(event=Event.FOLLOWED_ENTRY)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(p.pk for p in insiders)
    from blogs.tasks import entry_announce, entry_announce_batch

    assert entry_announce(entry.pk) == 0  # claimed already
    entry_announce_batch(entry.pk, [p.pk for p in insiders])  # a retried batch adds nothing
    assert told.count() == 5


# ---------------------------------------------------------------- the scheduled-publish job
def test_due_entries_publish_exactly_once_when_the_job_runs_twice(leader, time_machine):
    entry = write(leader, body="<p>Text</p>")
    start = timezone.now()
    publishing.entry_schedule(actor=leader, entry=entry, publish_at=start + timedelta(minutes=30))
    assert publishing.entry_publish_due() == []  # not yet due
    time_machine.move_to(start + timedelta(minutes=31))
    assert publishing.entry_publish_due() == [entry.pk]
    assert publishing.entry_publish_due() == []
    entry.refresh_from_db()
    assert entry.is_published
    published = activities(Verb.ENTRY_PUBLISHED, actor=leader)
    assert published.count() == 1
    # recorded when the job published, not when the author scheduled
    assert published.get().created_at >= start + timedelta(minutes=30)


def test_scheduled_entry_emptied_meanwhile_goes_back_to_draft(leader, time_machine):
    entry = write(leader, body="<p>Text</p>")
    publishing.entry_schedule(actor=leader, entry=entry, publish_at=timezone.now() + timedelta(minutes=5))
    Entry.objects.filter(pk=entry.pk).update(body="")
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    assert publishing.entry_publish_due() == []
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT
    assert not activities(Verb.ENTRY_PUBLISHED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_publish_each_entry_once(leader):
    """Two job runs at the same moment, in two threads with their own database connections."""
    import threading

    from django.db import connection

    due = []
    for i in range(6):
        e = write(leader, title=f"Entry {i}", body="<p>Text</p>")
        Entry.objects.filter(pk=e.pk).update(
            status=Entry.Status.SCHEDULED, publish_at=timezone.now() - timedelta(seconds=1)
        )
        due.append(e.pk)
    results: list[list[int]] = []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(publishing.entry_publish_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    published = [pk for r in results for pk in r]
    assert sorted(published) == sorted(due)  # every entry once, none twice
    assert activities(Verb.ENTRY_PUBLISHED).count() == 6


# ---------------------------------------------------------------- autosave
def test_autosave_keeps_a_working_copy_without_touching_the_entry(leader):
    entry = write(leader, body="<p>Saved</p>")
    publishing.entry_publish(actor=leader, entry=entry)
    entries.entry_autosave(actor=leader, entry=entry, title="Half-written", body="<p>Unsaved <b>words</b></p>")
    entry.refresh_from_db()
    assert entry.title == "My first week"  # readers still see the published text
    restored = autosave_for(leader, entry)
    assert restored.title == "Half-written" and "<b>words</b>" in restored.body
    entries.entry_update(actor=leader, entry=entry, title="Half-written", body=restored.body)
    assert autosave_for(leader, entry) is None and not EntryAutosave.objects.exists()


def test_autosave_for_a_new_entry_is_cleared_by_creating_it(leader):
    entries.entry_autosave(actor=leader, title="Idea", body="<p>Thinking</p>")
    assert autosave_for(leader, None).title == "Idea"
    write(leader, title="Idea", body="<p>Thinking</p>")
    assert autosave_for(leader, None) is None


def test_an_autosave_overtaken_by_a_newer_one_from_the_same_editor_changes_nothing(leader):
    entry = write(leader)
    entries.entry_autosave(actor=leader, entry=entry, body="<p>Every word</p>", writer="page-1", seq=12)
    entries.entry_autosave(actor=leader, entry=entry, body="<p>Every</p>", writer="page-1", seq=4)  # arrived late
    assert autosave_for(leader, entry).body == "<p>Every word</p>"
    # another editor (a second tab, a later visit) follows: the last save wins
    entries.entry_autosave(actor=leader, entry=entry, body="<p>From the tablet</p>", writer="page-2", seq=1)
    assert autosave_for(leader, entry).body == "<p>From the tablet</p>"
    entries.entry_autosave(actor=leader, entry=entry, body="<p>More from the tablet</p>", writer="page-2", seq=2)
    assert autosave_for(leader, entry).body == "<p>More from the tablet</p>"


def test_an_autosave_that_arrives_after_its_editor_saved_keeps_nothing(leader):
    entry = write(leader)
    entries.entry_save(actor=leader, action="save", entry=entry, title="Saved", body="<p>All</p>", writer="p1", seq=9)
    assert entries.entry_autosave(actor=leader, entry=entry, body="<p>Al</p>", writer="p1", seq=7) is None
    assert autosave_for(leader, entry) is None
    # the same page going on after its save (back from the next page), or another editor, is kept
    assert entries.entry_autosave(actor=leader, entry=entry, body="<p>All and more</p>", writer="p1", seq=11)
    assert autosave_for(leader, entry).body == "<p>All and more</p>"


def test_autosave_refuses_someone_elses_entry(leader, other_leader):
    entry = write(leader)
    with pytest.raises(PermissionDenied):
        entries.entry_autosave(actor=other_leader, entry=entry, title="x")


# ---------------------------------------------------------------- comments
def test_comment_records_activity_with_entry_context_and_tells_the_author(
    leader, other_leader, django_capture_on_commit_callbacks
):
    entry = EntryFactory(blog__owner=leader)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comments.comment_create(actor=other_leader, entry=entry, body="<p>Useful, thanks!</p>")
    act = activities(Verb.COMMENTED, actor=other_leader).get()
    assert act.context_type == ContentType.objects.get_for_model(Entry) and act.context_id == entry.pk
    note = Notification.objects.get(recipient=leader, event=Event.ENTRY_COMMENT)
    assert note.url.endswith(f"#comment-{comment.pk}")
    from blogs.tasks import comment_notify

    assert comment_notify(comment.pk) == 0  # once per comment
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_replies_are_one_level_deep_and_tell_the_person_replied_to(
    leader, other_leader, cohort, django_capture_on_commit_callbacks
):
    third = member_of(cohort)
    entry = EntryFactory(blog__owner=leader)
    top = comments.comment_create(actor=other_leader, entry=entry, body="<p>Top</p>")
    with django_capture_on_commit_callbacks(execute=True):
        reply = comments.comment_create(actor=third, entry=entry, body="<p>Reply</p>", parent=top)
    deeper = comments.comment_create(actor=leader, entry=entry, body="<p>Deeper</p>", parent=reply)
    assert reply.parent == top and deeper.parent == top
    assert Notification.objects.filter(recipient=other_leader, event=Event.ENTRY_COMMENT).exists()


def test_comments_turned_off_refuse_new_comments(leader, other_leader):
    entry = EntryFactory(blog__owner=leader)
    entries.entry_comments_set(actor=leader, entry=entry, enabled=False)
    with pytest.raises(PermissionDenied):
        comments.comment_create(actor=other_leader, entry=entry, body="<p>Hello</p>")


def test_empty_comment_is_a_clear_error(leader, other_leader):
    entry = EntryFactory(blog__owner=leader)
    with pytest.raises(ValidationError) as err:
        comments.comment_create(actor=other_leader, entry=entry, body="<p> </p><script>x</script>")
    assert "Write your comment" in err.value.message_dict["body"][0]


def test_people_outside_the_cohort_cannot_comment_on_cohort_entries(leader, cohort, other_facilitator):
    entry = EntryFactory(blog__owner=leader, visibility=Entry.Visibility.COHORT, cohort=cohort)
    with pytest.raises(PermissionDenied):
        comments.comment_create(actor=other_facilitator, entry=entry, body="<p>Hi</p>")


def test_writer_deletes_and_facilitator_hides_comments(leader, other_leader, facilitator, cohort):
    entry = EntryFactory(blog__owner=leader, visibility=Entry.Visibility.COHORT, cohort=cohort)
    mine = CommentFactory(entry=entry, author=other_leader)
    theirs = CommentFactory(entry=entry, author=other_leader)
    comments.comment_delete(actor=other_leader, comment=mine)
    comments.comment_delete(actor=facilitator, comment=theirs)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.deleted_at and theirs.hidden_at
    assert activities(Verb.MODERATED, actor=facilitator).count() == 1
    with pytest.raises(PermissionDenied):
        comments.comment_delete(actor=leader, comment=CommentFactory(entry=entry, author=other_leader))


# ---------------------------------------------------------------- reads, follows, feeds
def test_reads_count_people_not_page_loads(leader, other_leader):
    entry = EntryFactory(blog__owner=leader)
    assert reads.entry_read_record(reader=other_leader, entry=entry) is True
    assert reads.entry_read_record(reader=other_leader, entry=entry) is False
    assert reads.entry_read_record(reader=leader, entry=entry) is False  # the author
    assert EntryRead.objects.filter(entry=entry).count() == 1
    assert activities(Verb.ENTRY_READ).count() == 1


def test_following_tags_and_authors_records_activity(leader, other_leader):
    tag = TagFactory(name="feedback")
    follows.tag_follow_create(actor=leader, tag=tag)
    follows.tag_follow_create(actor=leader, tag=tag)
    assert TagFollow.objects.filter(user=leader).count() == 1
    assert activities(Verb.TAG_FOLLOWED, actor=leader).count() == 1
    follows.tag_follow_delete(actor=leader, tag=tag)
    assert activities(Verb.TAG_UNFOLLOWED, actor=leader).count() == 1
    follows.author_follow(actor=leader, author=other_leader)
    assert activities(Verb.FOLLOWED, actor=leader).count() == 1


def test_regenerating_the_feed_token_replaces_it(leader):
    old = feeds.feed_token_ensure(user=leader)
    assert feeds.feed_token_ensure(user=leader) == old
    new = feeds.feed_token_regenerate(actor=leader)
    assert new.key != old.key
    assert not FeedToken.objects.filter(key=old.key).exists()


def test_feed_use_is_recorded_once_a_day(leader, time_machine):
    token = feeds.feed_token_ensure(user=leader)
    assert feeds.feed_use_record(token=token) is True
    assert feeds.feed_use_record(token=token) is False
    time_machine.move_to(timezone.now() + timedelta(days=1))
    assert feeds.feed_use_record(token=token) is True
    assert activities(Verb.FEED_USED, actor=leader).count() == 2
