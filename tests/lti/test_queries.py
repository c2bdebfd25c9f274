"""The LTI pages cost the same number of queries however many people and courses there are."""

from __future__ import annotations

import pytest
from django.utils import timezone
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration, LtiUser

from lms.lti.models import CourseCohort, RosterEntry

pytestmark = pytest.mark.django_db


def _course(cohort, n: int) -> CourseCohort:
    reg = LtiRegistration.objects.create(
        name=f"LMS {n}",
        issuer=f"https://lms{n}.example",
        client_id="c",
        auth_url="https://lms.example/auth",
        token_url="https://lms.example/token",
        keyset_url="https://lms.example/jwks",
    )
    dep = LtiDeployment.objects.create(registration=reg, deployment_id="d", is_active=True)
    ctx = LtiContext.objects.create(deployment=dep, id_on_platform=f"course-{n}", title=f"Course {n}")
    return CourseCohort.objects.create(context=ctx, cohort=cohort)


def _add_people(course: CourseCohort, start: int, count: int) -> None:
    from tests.factories import UserFactory

    for i in range(start, start + count):
        user = UserFactory()
        lti_user = LtiUser.objects.create(
            registration=course.context.deployment.registration, sub=f"s{i}", name=f"Person {i}", auth_user=user
        )
        RosterEntry.objects.create(course=course, lti_user=lti_user, left_at=timezone.now() if i % 3 == 0 else None)


def test_course_page_and_list_queries_stay_flat(client, admin_user, cohort, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    course = _course(cohort, 1)
    _add_people(course, 0, 3)
    counts = []
    for _round in range(2):
        for url in (f"/lti/courses/{course.pk}/", "/lti/courses/", "/lti/platforms/"):
            client.get(url)  # warm up
        with CaptureQueriesContext(connection) as detail:
            assert client.get(f"/lti/courses/{course.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as listing:
            assert client.get("/lti/courses/").status_code == 200
        with CaptureQueriesContext(connection) as platforms:
            assert client.get("/lti/platforms/").status_code == 200
        counts.append((len(detail), len(listing), len(platforms)))
        _add_people(course, 100 * (_round + 1), 12)
        _course(cohort, 2 + _round)
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[1][0]):
        client.get(f"/lti/courses/{course.pk}/")
