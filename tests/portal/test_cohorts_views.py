"""Cohort pages and forms: what each role sees, forms that show errors and keep input, sessions in local time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Cohort, CohortSession, Membership
from tests.factories import CohortSessionFactory, UserFactory, member_of


@pytest.mark.django_db
def test_cohort_list_shows_counts_facilitators_and_your_cohorts(client, leader, facilitator, cohort, other_cohort):
    member_of(cohort)
    CohortSessionFactory(cohort=cohort, number=1, starts_at=timezone.now() + timedelta(days=3))
    client.force_login(leader)
    response = client.get(reverse("people:cohorts"))
    assert response.status_code == 200
    cohorts = {c.name: c for c in response.context["cohorts"]}
    assert cohorts["Northern Lights"].member_count == 2
    assert cohorts["Southern Cross"].member_count == 0
    assert cohorts["Northern Lights"].next_session_at is not None
    html = response.content.decode()
    assert "Your cohort" in html
    assert "Fay Facilitator" in html
    assert reverse("people:cohort-create") not in html


@pytest.mark.django_db
def test_cohort_page_shows_sponsor_facilitators_sessions_and_members(client, leader, facilitator, cohort):
    sponsor = UserFactory(profile__display_name="Sasha Sponsor", profile__job_title="Chief Operating Officer")
    cohort.sponsor = sponsor
    cohort.description = "We practise on the boards every week.\nSee https://intranet.example/guide"
    cohort.save()
    CohortSessionFactory(cohort=cohort, number=1, title="Listening first", starts_at=timezone.now() - timedelta(days=7))
    CohortSessionFactory(cohort=cohort, number=2, title="Your first post", starts_at=timezone.now() + timedelta(days=7))
    client.force_login(leader)

    response = client.get(reverse("people:cohort", args=[cohort.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Sasha Sponsor", "Chief Operating Officer", "Fay Facilitator", "Listening first", "Your first post"):
        assert text in html
    assert '<a href="https://intranet.example/guide" rel="nofollow">' in html
    assert [p.display_name for p in response.context["page_obj"]] == ["Lee Leader"]  # facilitators listed apart
    assert "session--past" in html
    assert reverse("people:session-create", args=[cohort.slug]) not in html
    assert reverse("people:cohort-edit", args=[cohort.slug]) not in html


@pytest.mark.django_db
def test_session_times_are_shown_in_the_viewers_time_zone(client, leader, cohort):
    CohortSessionFactory(cohort=cohort, number=1, starts_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    leader.profile.timezone = "Asia/Tokyo"
    leader.profile.save()
    client.force_login(leader)
    html = client.get(reverse("people:cohort", args=[cohort.slug])).content.decode()
    assert "Mon 1 Jun 2026, 17:00" in html
    assert "Times in Asia/Tokyo" in html


@pytest.mark.django_db
def test_unknown_cohort_is_404(client, leader):
    client.force_login(leader)
    assert client.get(reverse("people:cohort", args=["no-such-cohort"])).status_code == 404


@pytest.mark.django_db
def test_cohort_members_are_paginated(client, leader, cohort, settings):
    settings.PEOPLE_PAGE_SIZE = 3
    for n in range(7):
        member_of(cohort, profile__display_name=f"Member {n}")
    client.force_login(leader)
    response = client.get(reverse("people:cohort", args=[cohort.slug]), {"page": 3})
    assert [p.display_name for p in response.context["page_obj"]] == ["Member 5", "Member 6"]
    assert response.context["page_obj"].paginator.count == 8
    assert 'href="?page=2"' in response.content.decode()


# ---------------------------------------------------------------- admin: create and edit
@pytest.mark.django_db
def test_admin_creates_a_cohort_and_goes_on_to_add_members(client, admin_user):
    sponsor = UserFactory(profile__display_name="Sasha Sponsor", profile__management_level=1)
    client.force_login(admin_user)
    page = client.get(reverse("people:cohort-create")).content.decode()
    assert "Sasha Sponsor, Head of Testing" in page

    response = client.post(
        reverse("people:cohort-create"),
        {
            "name": "Quay Leaders 2026",
            "slug": "",
            "description": "Spring cohort",
            "sponsor": sponsor.pk,
            "starts_on": "2026-03-02",
        },
    )
    cohort = Cohort.objects.get(name="Quay Leaders 2026")
    assert cohort.slug == "quay-leaders-2026"
    assert cohort.sponsor == sponsor
    assert response["Location"] == reverse("people:cohort-members", args=[cohort.slug])


@pytest.mark.django_db
def test_create_form_shows_errors_and_keeps_the_input(client, admin_user, cohort):
    client.force_login(admin_user)
    response = client.post(
        reverse("people:cohort-create"),
        {"name": "Northern Lights", "slug": "bad slug!", "description": "Kept text", "starts_on": "not a date"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nothing is saved yet" in html
    assert "Enter a valid date." in html
    assert "Kept text" in html
    assert Cohort.objects.count() == 1


@pytest.mark.django_db
def test_a_duplicate_name_is_shown_on_the_field(client, admin_user, cohort):
    client.force_login(admin_user)
    response = client.post(
        reverse("people:cohort-create"), {"name": "northern lights", "slug": "", "starts_on": "2026-03-02"}
    )
    assert response.status_code == 200
    assert "Another cohort already has this name." in response.content.decode()
    assert Cohort.objects.count() == 1


@pytest.mark.django_db
def test_admin_edits_every_field(client, admin_user, cohort):
    cohort.starts_on = date(2026, 2, 9)
    cohort.save()
    client.force_login(admin_user)
    url = reverse("people:cohort-edit", args=[cohort.slug])
    page = client.get(url).content.decode()
    assert 'name="name"' in page
    # A date input only shows ISO dates; the site's d/m/Y format would leave it empty.
    assert 'type="date" name="starts_on" value="2026-02-09"' in page
    response = client.post(
        url, {"name": "Northern Lights II", "slug": "northern-2", "description": "New", "starts_on": "2026-04-01"}
    )
    assert response["Location"] == "/people/cohorts/northern-2/"
    cohort.refresh_from_db()
    assert (cohort.name, cohort.slug, cohort.description) == ("Northern Lights II", "northern-2", "New")


@pytest.mark.django_db
def test_facilitator_edit_form_offers_only_the_description(client, facilitator, cohort):
    client.force_login(facilitator)
    url = reverse("people:cohort-edit", args=[cohort.slug])
    html = client.get(url).content.decode()
    assert 'name="description"' in html
    assert 'name="name"' not in html
    client.post(url, {"description": "Our weekly rhythm", "name": "Hijacked name"})
    cohort.refresh_from_db()
    assert (cohort.name, cohort.description) == ("Northern Lights", "Our weekly rhythm")


@pytest.mark.django_db
def test_facilitator_sees_edit_and_session_links_on_their_cohort(client, facilitator, cohort):
    client.force_login(facilitator)
    html = client.get(reverse("people:cohort", args=[cohort.slug])).content.decode()
    assert reverse("people:cohort-edit", args=[cohort.slug]) in html
    assert reverse("people:session-create", args=[cohort.slug]) in html
    assert reverse("people:cohort-members", args=[cohort.slug]) not in html


# ---------------------------------------------------------------- sessions
@pytest.mark.django_db
def test_facilitator_adds_a_session_in_their_own_time_zone(client, facilitator, cohort):
    facilitator.profile.timezone = "America/New_York"
    facilitator.profile.save()
    client.force_login(facilitator)
    url = reverse("people:session-create", args=[cohort.slug])
    assert 'value="1"' in client.get(url).content.decode()  # the next free number is suggested
    response = client.post(url, {"number": 1, "title": "Kick-off", "starts_at": "2026-05-04T09:30"})
    assert response["Location"] == cohort.get_absolute_url()
    session = CohortSession.objects.get()
    assert session.starts_at == datetime(2026, 5, 4, 13, 30, tzinfo=UTC)

    # Editing shows the time back in the same zone.
    html = client.get(reverse("people:session-edit", args=[cohort.slug, session.pk])).content.decode()
    assert 'value="2026-05-04T09:30"' in html


@pytest.mark.django_db
def test_a_duplicate_session_number_is_a_form_error_that_keeps_input(client, facilitator, cohort):
    CohortSessionFactory(cohort=cohort, number=1)
    client.force_login(facilitator)
    response = client.post(
        reverse("people:session-create", args=[cohort.slug]),
        {"number": 1, "title": "Second go", "starts_at": "2026-05-04T09:30"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This cohort already has a session number 1." in html
    assert 'value="Second go"' in html
    assert CohortSession.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_session_date_is_a_form_error(client, facilitator, cohort):
    client.force_login(facilitator)
    response = client.post(
        reverse("people:session-create", args=[cohort.slug]), {"number": 1, "title": "x", "starts_at": "tomorrow"}
    )
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.content.decode()
    assert not CohortSession.objects.exists()


@pytest.mark.django_db
def test_facilitator_deletes_a_session(client, facilitator, cohort):
    session = CohortSessionFactory(cohort=cohort, number=4, title="Wrap-up")
    client.force_login(facilitator)
    response = client.post(reverse("people:session-delete", args=[cohort.slug, session.pk]), follow=True)
    assert "Session 4 (Wrap-up) is deleted." in response.content.decode()
    assert not CohortSession.objects.exists()


@pytest.mark.django_db
def test_a_session_is_only_reachable_through_its_own_cohort(client, admin_user, cohort, other_cohort):
    session = CohortSessionFactory(cohort=other_cohort)
    client.force_login(admin_user)
    assert client.get(reverse("people:session-edit", args=[cohort.slug, session.pk])).status_code == 404
    assert client.post(reverse("people:session-delete", args=[cohort.slug, session.pk])).status_code == 404
    assert CohortSession.objects.filter(pk=session.pk).exists()


# ---------------------------------------------------------------- membership
@pytest.mark.django_db
def test_admin_adds_changes_and_removes_people(client, admin_user, cohort, leader):
    newcomer = UserFactory(profile__display_name="Nadia New")
    client.force_login(admin_user)
    url = reverse("people:cohort-members", args=[cohort.slug])
    page = client.get(url).content.decode()
    assert "Nadia New" in page
    # People already in the cohort are not offered again.
    assert f'<option value="{leader.pk}">' not in page

    response = client.post(url, {"user": newcomer.pk, "kind": "facilitator"}, follow=True)
    assert "Nadia New is now a facilitator of Northern Lights." in response.content.decode()
    assert Membership.objects.get(user=newcomer, cohort=cohort).kind == "facilitator"

    client.post(reverse("people:cohort-member-kind", args=[cohort.slug, newcomer.pk]), {"kind": "member"})
    assert Membership.objects.get(user=newcomer, cohort=cohort).kind == "member"

    response = client.post(reverse("people:cohort-member-remove", args=[cohort.slug, leader.pk]), follow=True)
    assert "Lee Leader is no longer in Northern Lights." in response.content.decode()
    assert not Membership.objects.filter(user=leader, cohort=cohort).exists()


@pytest.mark.django_db
def test_adding_without_choosing_a_person_is_a_form_error(client, admin_user, cohort):
    client.force_login(admin_user)
    response = client.post(reverse("people:cohort-members", args=[cohort.slug]), {"user": "", "kind": "member"})
    assert response.status_code == 200
    assert "The person was not added" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_with_a_message(client, admin_user, cohort, leader):
    client.force_login(admin_user)
    response = client.post(
        reverse("people:cohort-member-kind", args=[cohort.slug, leader.pk]), {"kind": "overlord"}, follow=True
    )
    assert "Choose member or facilitator." in response.content.decode()
    assert Membership.objects.get(user=leader, cohort=cohort).kind == "member"


@pytest.mark.django_db
def test_removing_someone_not_in_the_cohort_is_404(client, admin_user, cohort, other_cohort):
    outsider = member_of(other_cohort)
    client.force_login(admin_user)
    response = client.post(reverse("people:cohort-member-remove", args=[cohort.slug, outsider.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(user=outsider).exists()
