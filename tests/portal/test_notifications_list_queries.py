"""Issue 13: the notifications list, the bell and the dropdown load and check each target once.

The page's rows and the bell's unread rows are judged together (one query per target type for both), so the
list costs the same number of queries with 10 or 100 notifications about posts, topics, entries, comments
and cohorts, and what a reader may no longer see stays hidden in the list, the dropdown and the count.
"""

from datetime import timedelta
from itertools import count

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blogs.models import Entry
from forums.models import Post
from portal.notifications.models import Notification
from tests.factories import BlogFactory, BoardFactory, CommentFactory, EntryFactory, TopicFactory, reply_to

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
_minutes = count()


def _notify(recipient, target, text, *, target_id=None, read=False):
    """A notification about ``target`` (or about ``target_id`` of its type), newer than every earlier one."""
    now = timezone.now() + timedelta(minutes=next(_minutes))
    return Notification.objects.create(
        recipient=recipient,
        event="mention",
        text=text,
        url="/people/",
        target_type=ContentType.objects.get_for_model(target),
        target_id=target_id or target.pk,
        created_at=now,
        updated_at=now,
        read_at=now if read else None,
    )


@pytest.fixture
def places(cohort, other_leader):
    """Where things happen: a board, a topic and a blog of the reader's cohort."""
    board = BoardFactory(cohort=cohort)
    return {
        "board": board,
        "topic": TopicFactory(board=board, author=other_leader),
        "blog": BlogFactory(owner=other_leader),
        "cohort": cohort,
    }


def _visible_mix(leader, other_leader, places, n, label):
    """``n`` notifications cycling through five target types, each about a target of its own."""
    for i in range(n):
        kind = i % 5
        if kind == 0:
            target = reply_to(places["topic"], other_leader)
        elif kind == 1:
            target = TopicFactory(board=places["board"], author=other_leader)
        elif kind == 2:
            target = EntryFactory(blog=places["blog"], author=other_leader)
        elif kind == 3:
            target = CommentFactory(entry=EntryFactory(blog=places["blog"], author=other_leader), author=other_leader)
        else:
            target = places["cohort"]
        _notify(leader, target, f"{label} {i}", read=i % 3 == 0)


def _queries(client, url) -> int:
    client.get(url)  # warm: content types, the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["notifications:list", "notifications:bell", "notifications:dropdown"])
def test_queries_stay_flat_from_10_to_100_notifications_of_five_target_types(
    client, leader, other_leader, places, name
):
    client.force_login(leader)
    _visible_mix(leader, other_leader, places, 10, "Early")
    url = reverse(name)
    small = _queries(client, url)
    _visible_mix(leader, other_leader, places, 90, "Later")
    large = _queries(client, url)
    assert large == small, f"{name}: {small} queries with 10 notifications, {large} with 100"
    assert small <= QUERY_BUDGET, f"{name}: {small} queries (budget {QUERY_BUDGET})"


def test_list_queries_each_target_type_once_for_the_page_and_the_bell(client, leader, other_leader, places):
    client.force_login(leader)
    _visible_mix(leader, other_leader, places, 100, "Note")
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("notifications:list"))
    tables = ["forums_post", "forums_topic", "blogs_entry", "blogs_comment", "people_cohort"]
    loads = {t: sum(1 for q in ctx.captured_queries if q["sql"].startswith(f'SELECT "{t}"."id"')) for t in tables}
    assert loads == dict.fromkeys(tables, 1)


@pytest.fixture
def hidden(leader, other_leader, other_cohort, places):
    """Ten visible notifications (Seen 0 … 9, a third of them read), then five about what the reader cannot
    see (any more), newer than all of them."""
    _visible_mix(leader, other_leader, places, 10, "Seen")
    secret_board = BoardFactory(cohort=other_cohort)
    secret_topic = TopicFactory(board=secret_board, author=other_leader, title="Southern plans")
    hidden_comment = CommentFactory(
        entry=EntryFactory(blog=places["blog"], author=other_leader), author=other_leader, hidden_at=timezone.now()
    )
    cohort_entry = EntryFactory(
        blog=BlogFactory(owner=other_leader),
        author=other_leader,
        visibility=Entry.Visibility.COHORT,
        cohort=other_cohort,
    )
    gone = reply_to(places["topic"], other_leader)
    missing_id = gone.pk + 10_000
    assert not Post.objects.filter(pk=missing_id).exists()
    return [
        _notify(leader, secret_topic, "Hidden: a topic of another cohort"),
        _notify(leader, hidden_comment, "Hidden: a comment a moderator hid"),
        _notify(leader, cohort_entry, "Hidden: an entry for another cohort"),
        _notify(leader, gone, "Hidden: a reply that no longer exists", target_id=missing_id),
        _notify(leader, other_cohort, "Hidden: a cohort I am not in"),
    ]


def test_what_the_reader_cannot_see_stays_hidden_in_the_list_dropdown_and_count(client, leader, hidden):
    client.force_login(leader)
    visible_unread = sum(1 for i in range(10) if i % 3)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Hidden:" not in page
    assert all(f"Seen {i}<" in page for i in range(10))
    assert f"{visible_unread} unread." in page
    assert f'data-count="{visible_unread}"' in page  # the header's bell
    dropdown = client.get(reverse("notifications:dropdown")).content.decode()
    assert "Hidden:" not in dropdown and dropdown.count('class="notification__link"') == 8
    assert f'data-count="{visible_unread}"' in client.get(reverse("notifications:bell")).content.decode()
    unread_page = client.get(reverse("notifications:list"), {"show": "unread"}).content.decode()
    assert "Hidden:" not in unread_page and unread_page.count('class="notification__link"') == visible_unread
    for notification in hidden:
        assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


def test_pages_of_the_list_hold_the_right_rows_and_a_page_too_far_shows_the_last(client, leader, other_leader, places):
    _visible_mix(leader, other_leader, places, 60, "Row")  # newest first: Row 59 … Row 0
    client.force_login(leader)
    pages = {
        n: client.get(reverse("notifications:list"), {"page": n}).content.decode() for n in ("1", "2", "3", "4", "0")
    }
    assert "Row 59<" in pages["1"] and "Row 35<" in pages["1"] and "Row 34<" not in pages["1"]
    assert "Page 1 of 3" in pages["1"] and "Newer" not in pages["1"]
    assert "Page 3 of 3" in pages["0"] and "Row 0<" in pages["0"]
    assert "Row 34<" in pages["2"] and "Row 10<" in pages["2"] and "Page 2 of 3" in pages["2"]
    assert "Row 9<" in pages["3"] and "Row 0<" in pages["3"] and "Older" not in pages["3"]
    assert "Page 3 of 3" in pages["4"] and "Row 0<" in pages["4"] and "Row 10<" not in pages["4"]
    mentions = client.get(reverse("notifications:list"), {"event": "mention", "page": "2"}).content.decode()
    assert "Row 34<" in mentions and "Page 2 of 3" in mentions
    assert (
        "Nothing matches these filters."
        in client.get(reverse("notifications:list"), {"event": "reaction"}).content.decode()
    )
