"""Query counts of the people and cohort pages do not grow with the number of people, follows or sessions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.people.models import CohortSession, Follow, ManagementLevel, Membership, Profile, User

# A people page may use this many queries at most (session, user, roles, bell, the page's own reads).
# Home is exempt from the absolute budget: other apps add their cards there; it must still not grow.
BUDGET = 14


def _add_people(n: int, *, cohort, viewer, star) -> None:
    """Bulk-create ``n`` people in ``cohort``: half follow ``star``, ``viewer`` follows every third one."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        [User(email=f"bulk{start + i}@harbourview.example", password="!") for i in range(n)]
    )
    levels = list(ManagementLevel.values)
    Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                display_name=f"Bulk Person {start + i:04d}",
                job_title="Shift Manager",
                department=["Operations", "Fleet", "Finance"][i % 3],
                management_level=levels[i % 3],
                bio="Works nights.",
            )
            for i, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, cohort=cohort) for u in users])
    follows = [Follow(follower=u, followee=star) for u in users[::2]]
    follows += [Follow(follower=viewer, followee=u) for u in users[::3]]
    follows += [Follow(follower=star, followee=u) for u in users[1::2]]
    Follow.objects.bulk_create(follows)
    CohortSession.objects.bulk_create(
        [
            CohortSession(cohort=cohort, number=start + i + 1, title="Session", starts_at=timezone.now() + timedelta(i))
            for i in range(min(n, 30))
        ]
    )


PAGES = {
    "directory": lambda ctx: reverse("people:directory"),
    "directory-filtered": lambda ctx: (
        reverse("people:directory") + f"?q=person&cohort={ctx['cohort'].slug}&department=Operations&level=1"
    ),
    "directory-htmx": lambda ctx: reverse("people:directory") + "?q=bulk",
    "profile": lambda ctx: reverse("people:profile", args=[ctx["star"].pk]),
    "followers": lambda ctx: reverse("people:followers", args=[ctx["star"].pk]),
    "following": lambda ctx: reverse("people:following", args=[ctx["star"].pk]),
    "cohort": lambda ctx: reverse("people:cohort", args=[ctx["cohort"].slug]),
    "cohorts": lambda ctx: reverse("people:cohorts"),
    "home": lambda ctx: reverse("home"),
}


def _count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_page_query_count_does_not_grow_with_people(
    client, leader, other_leader, cohort, page, django_assert_num_queries
):
    ctx = {"cohort": cohort, "star": other_leader}
    url = PAGES[page](ctx)
    headers = {"HTTP_HX_REQUEST": "true"} if page == "directory-htmx" else {}
    client.force_login(leader)
    _add_people(5, cohort=cohort, viewer=leader, star=other_leader)
    client.get(url, **headers)  # warm up (session, content types)
    small = _count(client, url, **headers)
    assert page == "home" or small <= BUDGET, f"{page} used {small} queries"

    _add_people(200, cohort=cohort, viewer=leader, star=other_leader)
    with django_assert_num_queries(small):
        response = client.get(url, **headers)
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_membership_page_query_count(client, admin_user, leader, other_leader, cohort, django_assert_num_queries):
    url = reverse("people:cohort-members", args=[cohort.slug])
    client.force_login(admin_user)
    _add_people(5, cohort=cohort, viewer=leader, star=other_leader)
    client.get(url)
    small = _count(client, url)
    assert small <= BUDGET
    _add_people(200, cohort=cohort, viewer=leader, star=other_leader)
    with django_assert_num_queries(small):
        client.get(url)


@pytest.mark.django_db
def test_the_directory_really_shows_a_full_page_at_scale(client, leader, other_leader, cohort, settings):
    """Guards the test above: with 200 people the first page is full, so per-row queries would show."""
    _add_people(200, cohort=cohort, viewer=leader, star=other_leader)
    client.force_login(leader)
    response = client.get(reverse("people:directory"))
    assert len(response.context["page_obj"]) == settings.PEOPLE_PAGE_SIZE
    following = [p for p in response.context["page_obj"] if p.is_following]
    assert following  # the follow state comes from the list query
