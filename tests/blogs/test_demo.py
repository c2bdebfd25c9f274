"""The blogs' demo seed on a small organisation: written through the services in the past, idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blogs.models import Blog, Comment, Entry, EntryRead
from demo import blogs as demo
from demo.org import DEMO_DOMAIN, DemoOrg, demo_rng
from metrics.models import Activity
from metrics.verbs import Verb
from tests.factories import CohortFactory, FollowFactory, UserFactory, facilitator_of, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    now = timezone.now()
    start = now - timedelta(days=90)
    cohorts = [CohortFactory() for _ in range(3)]
    org = DemoOrg(start=start, now=now, rng=demo_rng(), cohorts=cohorts)
    for index, cohort in enumerate(cohorts):
        people = [member_of(cohort) for _ in range(6)]
        org.leaders += people
        org.leaders_by_cohort[cohort.pk] = people
        org.facilitators.append(facilitator_of(cohort))
        for person in people:
            org.joined[person.pk] = start + timedelta(days=index * 3, hours=2)
    for person in org.facilitators:
        org.joined[person.pk] = start
    org.influencers = [org.leaders[0], org.leaders[7]]
    for person in org.leaders[1:6]:
        FollowFactory(follower=person, followee=org.leaders[0])
    UserFactory(email=f"leader1@{DEMO_DOMAIN}")
    return org


def test_seed_writes_history_through_the_services_and_twice_is_once(org):
    demo.seed(org)
    counts = (Entry.objects.count(), Comment.objects.count(), EntryRead.objects.count(), Activity.objects.count())
    assert Blog.objects.filter(kind=Blog.Kind.COHORT).count() == 3
    published = Entry.objects.filter(status=Entry.Status.PUBLISHED)
    assert published.filter(published_at__lt=org.start + timedelta(days=60)).exists()  # spread over the history
    assert all(org.start < e.published_at < org.now for e in published)
    # influencers write more and are read more than anyone else
    per_author = {p.pk: published.filter(author=p).count() for p in org.leaders}
    influencer_ids = {p.pk for p in org.influencers}
    assert per_author[org.influencers[0].pk] >= max(v for k, v in per_author.items() if k not in influencer_ids)
    # activities happened when the entries did, recorded by the real services
    first = published.order_by("published_at").first()
    act = Activity.objects.get(verb=Verb.ENTRY_PUBLISHED, target_id=first.pk)
    assert abs(act.created_at - first.published_at) < timedelta(minutes=2)
    # reads never before the reader joined
    for read in EntryRead.objects.select_related("entry")[:200]:
        assert read.read_at >= read.entry.published_at
        assert read.read_at > org.joined[read.reader_id]
    # leader1 has drafts and one entry scheduled for tomorrow
    assert Entry.objects.filter(author__email=f"leader1@{DEMO_DOMAIN}", status=Entry.Status.SCHEDULED).count() == 1

    demo.seed(org)
    again = (Entry.objects.count(), Comment.objects.count(), EntryRead.objects.count(), Activity.objects.count())
    assert again == counts
