"""Who to follow by influence (followers, replies received, recent activity), every level heard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.verbs import Verb
from portal.selectors.influence import who_to_follow
from tests.factories import BoardFactory, EntryFactory, FollowFactory, TopicFactory, member_of
from tests.onboarding.helpers import record

pytestmark = pytest.mark.django_db


def person(cohort, name, level):
    return member_of(cohort, profile__display_name=name, profile__management_level=level)


def thread_with_replies(author, cohort, n, *, days_ago=1):
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=author)
    record(author, Verb.TOPIC_CREATED, target=topic, cohort=cohort)
    for _ in range(n):
        replier = member_of(cohort, profile__management_level=2)
        activity = record(replier, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)
        activity.created_at = timezone.now() - timedelta(days=days_ago)
        activity.save()
    return topic


def names(suggestions):
    return [s.person.display_name for s in suggestions]


def test_ranked_by_followers_replies_received_and_recent_activity(leader, cohort):
    followed = person(cohort, "Fola Followed", 2)
    for _ in range(4):
        FollowFactory(follower=member_of(cohort, profile__management_level=2), followee=followed)
    answered = person(cohort, "Ria Replied", 2)
    thread_with_replies(answered, cohort, 3)
    quiet = person(cohort, "Quentin Quiet", 2)

    top = who_to_follow(leader, limit=50)
    by_name = {s.person.display_name: s for s in top}
    assert by_name["Fola Followed"].followers == 4
    assert by_name["Ria Replied"].replies_received == 3 and by_name["Ria Replied"].recent == 1
    order = names(top)
    assert order.index("Fola Followed") < order.index("Ria Replied") < order.index(quiet.display_name)


def test_own_replies_and_old_replies_do_not_count(leader, cohort):
    author = person(cohort, "Sam Self", 2)
    topic = thread_with_replies(author, cohort, 2, days_ago=200)  # long ago: not "received" now
    record(author, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)  # replying to self
    (me,) = [s for s in who_to_follow(leader, limit=100) if s.person == author]
    assert me.replies_received == 0


def test_every_level_is_heard_and_people_already_followed_are_left_out(leader, cohort):
    seniors = [person(cohort, f"Senior {i}", 1) for i in range(3)]
    for s in seniors:
        for _ in range(5):
            FollowFactory(follower=member_of(cohort, profile__management_level=2), followee=s)
    frontline = person(cohort, "Frankie Frontline", 3)
    thread_with_replies(frontline, cohort, 1)
    FollowFactory(follower=leader, followee=seniors[0])

    top = who_to_follow(leader, limit=3)
    assert "Senior 0" not in names(top)  # already followed
    assert "Frankie Frontline" in names(top)  # a lower level is not buried under senior voices
    assert {s.person.profile.management_level for s in top} >= {1, 3}


def test_home_and_blogs_show_who_to_follow_with_a_flat_query_count(client, leader, cohort,
                                                                    django_assert_num_queries):  # fmt: skip
    def grow(n):
        for i in range(n):
            p = person(cohort, f"Writer {i}", (i % 3) + 1)
            EntryFactory(blog__owner=p, title=f"Entry {i}")
            thread_with_replies(p, cohort, 1)

    grow(2)
    client.force_login(leader)
    counts = {}
    for url in (reverse("home"), reverse("blogs:index")):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        counts[url] = len(ctx.captured_queries)
        who = html.split("Who to follow</h2>", 1)[1].split("</section>", 1)[0]
        assert "Writer " in who and "follower" in who
    grow(12)
    for url, n in counts.items():
        with django_assert_num_queries(n):
            client.get(url)
