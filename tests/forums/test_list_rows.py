"""Issue 13: the topic list and the board list as plain rows from SQL compiled once per thread.

Every figure a reader sees must be what the models say for that reader, right after any change, and the
compiled SQL must give what the queryset gives (portal.prepared), whoever asks first.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from forums.models import Board, Post, ReadState, Topic
from forums.selectors import board_list, board_topics, latest_topics
from forums.selectors.boards import _boards_values
from forums.selectors.topics import _board_base, _topics_values, new_since, time_element
from forums.services import post_delete, post_reply, read_state_mark, topic_accept_answer, topic_create
from forums.services.personal import mute_person_set, mute_topic_set
from forums.services.topics import topic_lock_set, topic_pin_set
from portal.people.models import Profile
from tests.factories import BoardFactory, CohortFactory, ScheduledPromptFactory, TopicFactory, member_of

pytestmark = pytest.mark.django_db


def _expected(topic: Topic, reader) -> dict:
    """What a row must say, from the models, one query at a time (the old way)."""
    state = ReadState.objects.filter(user=reader, topic=topic).first()
    last_read = state.last_read_number if state else None
    visible_after = Post.objects.filter(topic=topic, deleted_at__isnull=True, hidden_at__isnull=True)
    return {
        "pk": topic.pk,
        "last_read": last_read,
        "unread_count": visible_after.filter(number__gt=last_read).count() if last_read is not None else 0,
        "is_new": state is None and topic.last_post_at >= new_since(),
        "reply_count": topic.reply_count,
        "is_visible": topic.is_visible,
        "is_pinned": topic.is_pinned,
    }


@pytest.fixture
def busy_board(board, leader, other_leader, facilitator, cohort):
    """Topics of every kind a list marks, with replies, reads, a removal and a pin."""
    third = member_of(cohort)
    topics = [
        topic_create(actor=other_leader, board=board, title=f"Topic {n}", body="<p>Opening</p>") for n in range(4)
    ]
    question = topic_create(actor=leader, board=board, title="A question", body="<p>Q</p>", kind="question")
    answer = post_reply(actor=third, topic=question, body="<p>An answer</p>")
    topic_accept_answer(actor=leader, topic=question, post=answer)
    for n in range(3):
        post_reply(actor=third, topic=topics[0], body=f"<p>Reply {n}</p>")
    hidden = post_reply(actor=third, topic=topics[0], body="<p>Gone</p>")
    post_delete(actor=facilitator, post=hidden)
    read_state_mark(user=leader, topic=topics[0], number=2)
    post_delete(actor=facilitator, post=topics[3].posts.get(number=1))  # the topic leaves members' lists
    topic_pin_set(actor=facilitator, topic=topics[2], pinned=True)
    topic_lock_set(actor=facilitator, topic=topics[1], locked=True)
    old = TopicFactory(board=board, title="An old one")
    Topic.objects.filter(pk=old.pk).update(last_post_at=timezone.now() - timedelta(days=60))
    return board


@pytest.mark.parametrize("who", ["leader", "other_leader", "facilitator", "admin_user"])
@pytest.mark.parametrize("sort", ["latest", "newest", "unanswered"])
def test_rows_say_what_the_models_say_for_each_reader(busy_board, who, sort, request):
    reader = request.getfixturevalue(who)
    for _ in range(2):  # the first call compiles, the second runs the kept SQL
        rows = list(board_topics(reader, busy_board, sort=sort).object_list)
    moderator = who in ("facilitator", "admin_user")
    queryset = _topics_values(_board_base(busy_board.pk), reader.pk, sort=sort, moderator=moderator, pinned_first=True)
    assert [tuple(row[n] for n in ("pk", "title")) for row in rows] == [row[:2] for row in queryset]
    for row in rows:
        expected = _expected(Topic.objects.get(pk=row.pk), reader)
        assert {name: row[name] for name in expected} == expected
    removed = Topic.objects.get(title="Topic 3")
    assert (removed.pk in [row.pk for row in rows]) == moderator


def test_the_list_shows_each_reader_their_own_marks_and_changes_at_once(busy_board, leader, cohort):
    newcomer = member_of(cohort)  # never opened anything
    url = busy_board.get_absolute_url()
    clients = {}
    for person in (leader, newcomer):
        clients[person.pk] = Client()
        clients[person.pk].force_login(person)

    def row_of(person, title: str) -> str:
        html = clients[person.pk].get(url).content.decode()
        rows = re.findall(r'<li class="topic-row.*?</li>', html, re.S)
        return next(r for r in rows if f">{title}</a>" in r)

    first = Topic.objects.get(title="Topic 0")
    assert "2 unread" in row_of(leader, "Topic 0")  # read to 2 of 5; the removed reply does not count
    assert ">New<" in row_of(newcomer, "Topic 0") and " unread<span" not in row_of(newcomer, "Topic 0")
    assert "Pinned" in row_of(leader, "Topic 2") and "Locked" in row_of(leader, "Topic 1")
    assert "Answered" in row_of(leader, "A question")
    assert ">New<" not in row_of(newcomer, "An old one")
    # a reply shows at once, to the reader it concerns
    post_reply(actor=member_of(cohort), topic=first, body="<p>Another</p>")
    assert "3 unread" in row_of(leader, "Topic 0") and ">New<" in row_of(newcomer, "Topic 0")
    # muting is the muter's alone
    mute_topic_set(actor=leader, topic=first, muted=True)
    assert "topic-row--muted" in row_of(leader, "Topic 0") and "Muted" in row_of(leader, "Topic 0")
    assert "Muted" not in row_of(newcomer, "Topic 0")
    mute_person_set(actor=newcomer, person=leader, muted=True)
    assert "topic-row--muted" in row_of(newcomer, "A question")
    assert "topic-row--muted" not in row_of(leader, "A question")
    # reading clears the marks; a rename shows at once
    read_state_mark(user=newcomer, topic=first, number=first.posts.count() + 1)
    assert ">New<" not in row_of(newcomer, "Topic 0") and " unread<span" not in row_of(newcomer, "Topic 0")
    Topic.objects.filter(pk=first.pk).update(title="Topic zero <b>")
    assert "Topic zero &lt;b&gt;" in clients[leader.pk].get(url).content.decode()


def test_starter_prompts_avatars_and_former_members_show_as_before(board, leader, other_leader, cohort):
    prompt = topic_create(actor=leader, board=board, title="This weeks prompt", body="<p>P</p>")
    ScheduledPromptFactory(board=board, cohort=cohort, released_topic=prompt)
    Profile.objects.filter(user=other_leader).update(avatar_thumb="avatars/x/thumb.png")
    pictured = topic_create(actor=other_leader, board=board, title="With a picture", body="<p>P</p>")
    gone = topic_create(actor=other_leader, board=board, title="From someone who left", body="<p>P</p>")
    Topic.objects.filter(pk=gone.pk).update(author=None)
    client = Client()
    client.force_login(leader)
    html = client.get(board.get_absolute_url()).content.decode()
    rows = {
        re.search(r'">([^<]+)</a>\s*</h3>', r).group(1): r
        for r in re.findall(r'<li class="topic-row.*?</li>', html, re.S)
    }
    assert "Starter prompt" in rows["This weeks prompt"] and "Starter prompt" not in rows["With a picture"]
    avatar = Profile.objects.get(user=other_leader).avatar_thumb.url
    assert f'<img class="avatar avatar--md" src="{avatar}"' in rows["With a picture"]
    assert other_leader.display_name in rows["With a picture"]
    initials = Profile.objects.get(user=leader).initials
    assert f'aria-hidden="true">{initials}</span>' in rows["This weeks prompt"]
    assert "A former member" in rows["From someone who left"]
    assert 'aria-hidden="true"></span>' in rows["From someone who left"]
    assert pictured.get_absolute_url() in rows["With a picture"]


def test_time_elements_are_the_partial_in_each_time_zone_and_language():
    moment = timezone.now().replace(microsecond=123456)
    for zone in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"):
        with timezone.override(zone):
            expected = render_to_string("forums/partials/time.html", {"t": moment})
            assert time_element(moment, "en", zone) == expected


def test_latest_lists_visible_boards_unpinned_and_rows_say_what_the_models_say(board, org_board, other_board, leader):
    mine = TopicFactory(board=board, is_pinned=True)
    everyone = TopicFactory(board=org_board)
    TopicFactory(board=other_board)
    rows = list(latest_topics(leader).object_list)
    assert [r.pk for r in rows] == [everyone.pk, mine.pk]
    assert rows[0].board_url == org_board.get_absolute_url() and rows[0].board__title == "Everyone"
    assert not rows[1].pinned  # pins are not marked across boards
    for row in rows:
        expected = _expected(Topic.objects.get(pk=row.pk), leader)
        assert {name: row[name] for name in expected} == expected


def test_each_reader_gets_their_own_boards_and_counts_from_the_kept_sql(db, admin_user):
    cohorts = [CohortFactory() for _ in range(3)]
    boards = [BoardFactory(cohort=c) for c in cohorts] + [BoardFactory(cohort=None)]
    author = member_of(cohorts[0])
    for n, b in enumerate(boards):
        for i in range(n + 1):
            TopicFactory(board=b, author=author, title=f"{b.title} {i}", reply_count=i)
    one_a, one_b = member_of(cohorts[0]), member_of(cohorts[1])  # one cohort each: the same compiled SQL
    two = member_of(cohorts[1])
    from tests.factories import MembershipFactory

    MembershipFactory(user=two, cohort=cohorts[2])
    read_state_mark(user=one_a, topic=Topic.objects.filter(board=boards[0]).first(), number=1)
    for person in (one_a, one_b, two, admin_user, one_a):
        rows = board_list(person)
        cohort_ids = {m.cohort_id for m in person.memberships.all()}
        visible = Board.objects.filter(Q(cohort__isnull=True) | Q(cohort_id__in=cohort_ids))
        if person == admin_user:
            visible = Board.objects.all()
        assert sorted(r.pk for r in rows) == sorted(visible.values_list("pk", flat=True))
        everything = person == admin_user
        ids = [] if everything else sorted(cohort_ids)
        direct = list(_boards_values(person.pk, new_since(), *ids, everything=everything))
        assert [tuple(r[n] for n in ("pk", "topic_count", "reply_total", "unread_topics")) for r in rows] == [
            (d[0], d[6], d[7], d[8]) for d in direct
        ]
        for row in rows:
            topics = Topic.objects.filter(board_id=row.pk, is_visible=True)
            assert row.topic_count == topics.count()
            assert row.post_count == row.topic_count + sum(t.reply_count for t in topics)
            unread = sum(1 for t in topics if _expected(t, person)["is_new"] or _expected(t, person)["unread_count"])
            assert row.unread_topics == unread
            latest = topics.order_by("-last_post_at", "-pk").first()
            assert row.latest_topic_id == (latest.pk if latest else None)
    assert get_user_model().objects.count() >= 5


def test_visible_board_is_what_select_related_gives_and_hides_what_it_should(board, org_board, other_board, leader):
    from django.http import Http404

    from forums.selectors import visible_board

    for _ in range(2):  # compiled, then kept
        for expected in (board, org_board):
            found = visible_board(leader, expected.slug)
            slow = Board.objects.select_related("cohort").get(slug=expected.slug)
            assert [getattr(found, f.attname) for f in Board._meta.concrete_fields] == [
                getattr(slow, f.attname) for f in Board._meta.concrete_fields
            ]
            assert found.cohort == slow.cohort and (found.cohort is None or found.cohort.name == slow.cohort.name)
            assert not found._state.adding
        for hidden in (other_board.slug, "no-such-board"):
            with pytest.raises(Http404):
                visible_board(leader, hidden)


def test_kept_sql_takes_strings_and_datetimes_as_arguments(board, other_board, leader):
    from forums.selectors import board_list, board_topics, visible_board
    from portal.prepared import _local, prepared

    board_list(leader)
    board_topics(leader, visible_board(leader, board.slug))

    old = TopicFactory(board=board, title="Old")
    Topic.objects.filter(pk=old.pk).update(last_post_at=timezone.now() - timedelta(days=10))
    TopicFactory(board=board, title="Recent")
    TopicFactory(board=other_board, title="Elsewhere")

    def build(slug, since):
        return Topic.objects.filter(board__slug=slug, last_post_at__gte=since).order_by("title").values_list("title")

    for slug, days, titles in (
        ("lounge", 1, ["Recent"]),
        ("lounge", 30, ["Old", "Recent"]),
        ("corner", 30, ["Elsewhere"]),
    ):
        since = timezone.now() - timedelta(days=days)
        assert [t for (t,) in prepared("tests:strings-and-datetimes", build, slug, since)] == titles
        assert list(build(slug, since)) == [(t,) for t in titles]
    assert _local.plans["tests:strings-and-datetimes"] is not None  # compiled once, not iterated each time
    for key in ("forums:board-by-slug", "forums:board-list:1", "forums:board-topics:count:latest:False"):
        assert _local.plans.get(key) is not None
