"""Issue 13: the entry page's comments come from plain values (one compiled query, links reversed once, dates
formatted once per moment). These tests render the same comments the old way, model instances through the
templates as they were before (tests/blogs/reference/), and check that every reader sees exactly what the old
page showed them: their own comments editable, others' flaggable, moderators' Hide, removed placeholders,
replies, avatars, dates in the reader's time zone; and that changes show at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory
from django.utils import timezone

from blogs import permissions
from blogs.models import Comment
from blogs.selectors import entries as selectors
from portal.people.models import Profile
from tests.factories import CommentFactory, EntryFactory, member_of

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).parent / "reference"


def _reference_engine() -> Engine:
    """The site's template engine with the old comment partials first in the search path."""
    site = engines["django"].engine
    return Engine(
        dirs=[str(REFERENCE), *site.dirs],
        app_dirs=site.app_dirs,
        libraries=site.libraries,
        builtins=[b for b in site.builtins if b not in Engine.default_builtins],
        debug=False,
    )


def old_fragment(user, entry, *, page: int = 1) -> str:
    """The comment page as the old code rendered it: entry_comments' instances, decorated as the old view did."""
    comments, more = selectors.entry_comments(entry, page=page)
    can_moderate = permissions.can_moderate_entry(user, entry)
    for comment in comments:
        for c in (comment, *comment.replies.all()):
            c.can_delete = c.deleted_at is None and (c.author_id == user.pk or can_moderate)
            c.can_flag = c.author_id != user.pk and c.is_visible
            c.can_edit = c.author_id == user.pk and c.is_visible
    context = {
        "entry": entry,
        "user": user,
        "comments": comments,
        "can_comment": permissions.can_comment(user, entry),
        "comments_next": page + 1 if more else None,
        "csrf_token": "token",
    }
    return _reference_engine().get_template("blogs/partials/comment_page.html").render(Context(context))


def normalise(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="-"', html)
    html = re.sub(r">\s+<", "><", html)
    return re.sub(r"\s+", " ", html).strip()


def new_fragment(client, user, entry, *, page: int = 1) -> str:
    client.force_login(user)
    response = client.get(f"{entry.get_absolute_url()}?comments={page}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def discussion(cohort, leader, other_leader, facilitator, settings):
    """An entry with threads, replies, an edited comment, a deleted thread with replies, hidden replies, a
    thread whose only reply is hidden, an author without a profile and one with an avatar."""
    settings.BLOGS_COMMENTS_PER_PAGE = 4
    entry = EntryFactory(blog__owner=leader, author=leader, blog__cohort=None)
    third = member_of(cohort, profile__display_name="Tom <b>Third</b>")
    bare = member_of(cohort)
    Profile.objects.filter(user=bare).delete()
    Profile.objects.filter(user=other_leader).update(avatar_thumb="avatars/thumb.webp", timezone="Pacific/Kiritimati")
    one = CommentFactory(entry=entry, author=other_leader, body="<p>First</p>")
    CommentFactory(entry=entry, author=leader, parent=one, body="<p>Author replies</p>")
    CommentFactory(entry=entry, author=third, parent=one, body="<p>Hidden reply</p>", hidden_at=timezone.now())
    two = CommentFactory(entry=entry, author=third, body="<p>Edited</p>", edit_count=2)
    CommentFactory(entry=entry, author=other_leader, parent=two, body="<p>Reply to two</p>")
    gone = CommentFactory(entry=entry, author=other_leader, body="<p>Gone</p>", deleted_at=timezone.now())
    CommentFactory(entry=entry, author=bare, parent=gone, body="<p>Still here</p>")
    CommentFactory(entry=entry, author=bare, body="<p>Nobody sees this</p>", hidden_at=timezone.now())
    lonely = CommentFactory(entry=entry, author=leader, body="<p>Lonely</p>", hidden_at=timezone.now())
    CommentFactory(entry=entry, author=third, parent=lonely, body="<p>Hidden too</p>", hidden_at=timezone.now())
    for n in range(5):
        CommentFactory(entry=entry, author=[bare, third, leader][n % 3], body=f"<p>Later {n}</p>")
    return entry, {
        "author": leader,
        "commenter": other_leader,
        "third": third,
        "bare": bare,
        "facilitator": facilitator,
    }


@pytest.mark.parametrize("who", ["author", "commenter", "third", "bare", "facilitator"])
def test_every_reader_sees_what_the_old_page_showed_them(client, discussion, who):
    entry, people = discussion
    reader = people[who]
    for page in (1, 2, 3, 4):
        new = new_fragment(client, reader, entry, page=page)
        reader.refresh_from_db()
        assert normalise(new) == normalise(old_fragment(reader, entry, page=page)), (who, page)


def test_own_comments_are_editable_others_flaggable_and_moderators_hide(client, discussion):
    entry, people = discussion
    mine = Comment.objects.get(body="<p>First</p>")
    commenter_view = new_fragment(client, people["commenter"], entry)
    assert f'href="/blogs/comments/{mine.pk}/edit/"' in commenter_view
    assert f"/flag/comment/{mine.pk}/" not in commenter_view
    others_view = new_fragment(client, people["third"], entry)
    assert f"/comments/{mine.pk}/edit/" not in others_view
    assert f"/flag/comment/{mine.pk}/" in others_view
    assert f"/comments/{mine.pk}/delete/" not in others_view
    facilitator_view = new_fragment(client, people["facilitator"], entry)
    assert f"/comments/{mine.pk}/delete/" in facilitator_view and "Hide<span" in facilitator_view


def test_changes_show_at_once(client, discussion):
    entry, people = discussion
    reader = people["third"]
    before = new_fragment(client, reader, entry)
    comment = Comment.objects.get(body="<p>First</p>")
    Comment.objects.filter(pk=comment.pk).update(body="<p>First, revised</p>", edit_count=1)
    Profile.objects.filter(user=people["commenter"]).update(display_name="Olive Renamed", avatar_thumb="")
    after = new_fragment(client, reader, entry)
    assert "First, revised" in after and "First, revised" not in before
    assert f'href="/blogs/comments/{comment.pk}/history/"' in after
    assert "Olive Renamed" in after and "Olive Other" not in after
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())
    gone = new_fragment(client, reader, entry)
    assert "First, revised" not in gone and "This comment was deleted by its writer." in gone
    assert normalise(gone) == normalise(old_fragment(reader, entry))


def test_compiled_comment_query_gives_what_the_queryset_gives(discussion, settings):
    entry, _people = discussion
    for page in range(1, 8):  # past the compiled pages too
        threads, more = selectors.entry_comment_page(entry.pk, page=page, per_page=2)
        old, old_more = selectors.entry_comments(entry, page=page, per_page=2)
        assert more == old_more
        assert [(t.pk, [r.pk for r in t.replies]) for t in threads] == [
            (t.pk, [r.pk for r in t.replies.all()]) for t in old
        ]


def test_dates_follow_the_active_time_zone_and_language(client, discussion, settings):
    """Dates are formatted once per moment, but per time zone and language: a change of either shows at once."""
    entry, people = discussion
    comment = Comment.objects.get(body="<p>First</p>")
    Comment.objects.filter(pk=comment.pk).update(created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    settings.TIME_ZONE = "UTC"
    utc = new_fragment(client, people["third"], entry)
    assert "1 Jan 2026, 23:30" in utc and 'datetime="2026-01-01T23:30:00+00:00"' in utc
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    kiritimati = new_fragment(client, people["third"], entry)
    assert "2 Jan 2026, 13:30" in kiritimati and 'datetime="2026-01-02T13:30:00+14:00"' in kiritimati
    assert 'title="2 January 2026, 13:30"' in kiritimati
    assert normalise(kiritimati) == normalise(old_fragment(people["third"], entry))


def test_the_csrf_token_is_only_asked_for_when_a_form_needs_it(rf: RequestFactory, discussion):
    from blogs.views._entry_page import _CsrfInput

    request = rf.get("/")
    shown = _CsrfInput(request)
    assert "csrfmiddlewaretoken" not in request.META.get("CSRF_COOKIE", "")
    assert 'name="csrfmiddlewaretoken"' in str(shown) and str(shown) is str(shown)


def test_the_compiled_entry_is_what_select_related_gives(
    client, cohort, leader, other_leader, django_assert_num_queries
):
    """entry_for_page builds the entry, blog, cohorts, author and profile from one compiled row; the page reads
    every one of them without another query, and a change (rename, cohort, counts) shows at once."""
    from blogs.models import Blog, Entry

    cohort_blog = {"blog__kind": Blog.Kind.COHORT, "blog__owner": None, "blog__cohort": cohort}
    entry = EntryFactory(**cohort_blog, author=leader, cohort=cohort, visibility=Entry.Visibility.COHORT, title="Plain")
    CommentFactory(entry=entry, author=other_leader)
    got = selectors.entry_for_page(entry.blog.slug, entry.slug)
    want = (
        selectors.with_counts(
            Entry.objects.select_related("blog", "blog__cohort", "author", "author__profile", "cohort")
        )
        .filter(pk=entry.pk)
        .get()
    )
    with django_assert_num_queries(0):
        for a, b in ((got, want), (got.blog, want.blog), (got.blog.cohort, want.blog.cohort), (got.cohort, want.cohort),
                     (got.author, want.author), (got.author.profile, want.author.profile)):  # fmt: skip
            fields = [f.attname for f in type(a)._meta.concrete_fields]
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert got.author.profile.user is got.author and got.author.profile.initials == want.author.profile.initials
        assert (got.comment_count, got.read_count) == (want.comment_count, want.read_count) == (1, 0)
    Entry.objects.filter(pk=entry.pk).update(title="Renamed")
    CommentFactory(entry=entry, author=leader)
    again = selectors.entry_for_page(entry.blog.slug, entry.slug)
    assert again.title == "Renamed" and again.comment_count == 2
    solo = EntryFactory(blog__owner=other_leader, author=other_leader, blog__cohort=None, cohort=None)
    Profile.objects.filter(user=other_leader).delete()
    bare = selectors.entry_for_page(solo.blog.slug, solo.slug)
    with django_assert_num_queries(0):
        assert bare.cohort is None and bare.blog.cohort is None and bare.author.display_name == other_leader.email
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.entry_for_page(solo.blog.slug, "no-such-entry")


def test_follow_box_and_save_button_are_each_readers_own(client, leader, other_leader, cohort):
    """The follower count, "Following" and "Saved" come from compiled queries: per reader, and current."""
    from blogs.services.follows import author_follow
    from forums.services import bookmark_set

    entry = EntryFactory(blog__owner=leader, author=leader)
    third = member_of(cohort)
    client.force_login(other_leader)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Follow Lee Leader" in page and "Following Lee Leader" not in page
    author_follow(actor=other_leader, author=leader)
    bookmark_set(actor=other_leader, target=entry, saved=True)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Following Lee Leader" in page and "Saved<span" in page
    client.force_login(third)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Following Lee Leader" not in page and "Saved<span" not in page and "1 follower" in page


def _tokens_out(html: str) -> tuple[str, list[str]]:
    found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="-"', html), found


def test_the_kept_composer_is_byte_for_byte_what_the_template_renders(rf: RequestFactory, leader, other_leader):
    from django.middleware.csrf import _unmask_cipher_token
    from django.template.loader import render_to_string

    from blogs.forms import CommentForm
    from blogs.views import _composer
    from blogs.views._entry_page import mention_url

    entry = EntryFactory(blog__owner=leader, author=leader)
    thread = CommentFactory(entry=entry, author=other_leader)
    for reply_to in (None, thread, None, thread):  # the second pair comes from the kept markup
        request = rf.get(entry.get_absolute_url())
        request.user = leader
        form = CommentForm(initial={"reply_to": reply_to.pk if reply_to else None})
        kept = _composer.comment_composer(request, entry, form=form, reply_to=reply_to, mention_url=mention_url(entry))
        context = {"entry": entry, "comment_form": form, "reply_to": reply_to, "mention_url": mention_url(entry)}
        expected = render_to_string("blogs/partials/comment_composer.html", {**context, "csrf_token": "x"})
        html, tokens = _tokens_out(str(kept))
        assert html == _tokens_out(expected)[0]
        assert len(tokens) == 1 and _unmask_cipher_token(tokens[0]) == request.META["CSRF_COOKIE"]
        assert ("Replying to Olive Other" in html) == (reply_to is not None)
    assert any(key[0] == entry.pk for key in _composer._kept)
    bound = CommentForm(data={"body": ""})
    assert _composer.comment_composer(request, entry, form=bound, reply_to=None, mention_url="") is None


def test_readers_get_their_own_reply_target_and_token(client, leader, other_leader, cohort):
    entry = EntryFactory(blog__owner=leader, author=leader)
    thread = CommentFactory(entry=entry, author=other_leader)
    client.force_login(other_leader)
    replying = client.get(f"{entry.get_absolute_url()}?reply_to={thread.pk}").content.decode()
    assert f'name="reply_to" value="{thread.pk}"' in replying and "Replying to Olive Other." in replying
    third = member_of(cohort)
    client.force_login(third)
    fresh = client.get(entry.get_absolute_url()).content.decode()
    assert 'name="reply_to" id="id_reply_to"' in fresh and "Replying to" not in fresh
    assert "data-reply-indicator hidden></p>" in fresh
    EntryFactory._meta.model.objects.filter(pk=entry.pk).update(comments_enabled=False)
    closed = client.get(entry.get_absolute_url()).content.decode()
    assert 'id="reply-composer"' not in closed and "turned comments off" in closed
