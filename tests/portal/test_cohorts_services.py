"""Services about cohorts: who may change what, uniqueness, activities, all-or-nothing writes."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from metrics.models import Activity
from metrics.verbs import Verb
from portal.people import permissions
from portal.people.models import Cohort, CohortSession, Membership, Role
from portal.people.services import cohorts as services
from tests.factories import CohortSessionFactory, UserFactory


def _verbs():
    return list(Activity.objects.order_by("pk").values_list("verb", flat=True))


# ---------------------------------------------------------------- cohorts
@pytest.mark.django_db
def test_admin_creates_a_cohort_with_a_sponsor(admin_user):
    sponsor = UserFactory(profile__display_name="Sam Sponsor", profile__management_level=1)
    cohort = services.cohort_create(
        actor=admin_user,
        name="  Harbour Pilots ",
        slug="harbour-pilots",
        description="Leaders of the port operations.",
        sponsor=sponsor,
        starts_on=date(2026, 1, 12),
    )
    assert cohort.name == "Harbour Pilots"
    assert cohort.sponsor == sponsor
    activity = Activity.objects.get()
    assert (activity.verb, activity.cohort, activity.actor) == (Verb.COHORT_CREATED, cohort, admin_user)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "facilitator", "analyst"])
def test_only_admins_create_cohorts(as_role, role):
    _, user = as_role(role)
    count = Cohort.objects.count()
    with pytest.raises(PermissionDenied):
        services.cohort_create(actor=user, name="Rogue", slug="rogue", starts_on=date(2026, 1, 1))
    assert Cohort.objects.count() == count


@pytest.mark.django_db
def test_a_clashing_name_or_slug_is_a_validation_error(admin_user, cohort):
    with pytest.raises(ValidationError) as exc:
        services.cohort_create(
            actor=admin_user, name="northern lights", slug="northern-lights", starts_on=timezone.localdate()
        )
    assert set(exc.value.error_dict) == {"name", "slug"}
    assert Cohort.objects.count() == 1
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_facilitator_edits_only_the_description_of_their_cohort(facilitator, cohort):
    updated = services.cohort_update(actor=facilitator, cohort=cohort, description="Weekly practice on the boards.")
    assert updated.description == "Weekly practice on the boards."
    activity = Activity.objects.get()
    assert activity.verb == Verb.COHORT_UPDATED
    assert activity.data == {"fields": ["description"]}

    with pytest.raises(PermissionDenied):
        services.cohort_update(actor=facilitator, cohort=cohort, name="Renamed by a facilitator")
    cohort.refresh_from_db()
    assert cohort.name == "Northern Lights"


@pytest.mark.django_db
def test_facilitator_of_another_cohort_and_leaders_cannot_edit(other_facilitator, leader, cohort):
    for actor in (other_facilitator, leader):
        with pytest.raises(PermissionDenied):
            services.cohort_update(actor=actor, cohort=cohort, description="Not mine to change")
    cohort.refresh_from_db()
    assert cohort.description == "A test cohort."


@pytest.mark.django_db
def test_saving_without_changes_records_nothing(admin_user, cohort):
    services.cohort_update(actor=admin_user, cohort=cohort, name=cohort.name, description=cohort.description)
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_renaming_onto_another_cohorts_slug_is_refused(admin_user, cohort, other_cohort):
    with pytest.raises(ValidationError) as exc:
        services.cohort_update(actor=admin_user, cohort=other_cohort, slug=cohort.slug, description="changed too")
    assert "slug" in exc.value.error_dict
    other_cohort.refresh_from_db()
    assert other_cohort.slug == "southern-cross"
    assert other_cohort.description == "A test cohort."


# ---------------------------------------------------------------- sessions
@pytest.mark.django_db
def test_facilitator_schedules_and_reschedules_a_session(facilitator, cohort):
    when = timezone.now() + timedelta(days=10)
    session = services.session_save(
        actor=facilitator, cohort=cohort, number=1, title="Why listen first", starts_at=when
    )
    later = when + timedelta(days=2)
    services.session_save(
        actor=facilitator, cohort=cohort, session=session, number=1, title="Why listen first", starts_at=later
    )
    session.refresh_from_db()
    assert session.starts_at == later
    assert CohortSession.objects.count() == 1
    assert _verbs() == [Verb.SESSION_SCHEDULED, Verb.SESSION_SCHEDULED]
    assert Activity.objects.first().data == {"number": 1, "new": True}


@pytest.mark.django_db
def test_a_duplicate_session_number_is_refused(facilitator, cohort):
    CohortSessionFactory(cohort=cohort, number=2)
    with pytest.raises(ValidationError) as exc:
        services.session_save(actor=facilitator, cohort=cohort, number=2, title="Again", starts_at=timezone.now())
    assert "number" in exc.value.error_dict
    assert CohortSession.objects.count() == 1
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_session_numbers_are_per_cohort(admin_user, cohort, other_cohort):
    CohortSessionFactory(cohort=cohort, number=1)
    services.session_save(actor=admin_user, cohort=other_cohort, number=1, title="Kick-off", starts_at=timezone.now())
    assert CohortSession.objects.filter(number=1).count() == 2


@pytest.mark.django_db
def test_naive_datetimes_are_refused(facilitator, cohort):
    with pytest.raises(ValueError):
        services.session_save(actor=facilitator, cohort=cohort, number=1, title="x", starts_at=datetime(2026, 3, 1, 9))


@pytest.mark.django_db
def test_other_facilitator_cannot_touch_sessions(other_facilitator, cohort):
    session = CohortSessionFactory(cohort=cohort)
    with pytest.raises(PermissionDenied):
        services.session_save(actor=other_facilitator, cohort=cohort, number=9, title="x", starts_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.session_delete(actor=other_facilitator, session=session)
    assert CohortSession.objects.count() == 1


@pytest.mark.django_db
def test_a_session_cannot_be_moved_through_another_cohort(facilitator, cohort, other_cohort):
    foreign = CohortSessionFactory(cohort=other_cohort)
    with pytest.raises(PermissionDenied):
        services.session_save(
            actor=facilitator, cohort=cohort, session=foreign, number=5, title="x", starts_at=timezone.now()
        )


@pytest.mark.django_db
def test_deleting_a_session_records_it(facilitator, cohort):
    session = CohortSessionFactory(cohort=cohort, number=3)
    services.session_delete(actor=facilitator, session=session)
    assert not CohortSession.objects.exists()
    activity = Activity.objects.get()
    assert (activity.verb, activity.data, activity.cohort) == (Verb.SESSION_CANCELLED, {"number": 3}, cohort)


# ---------------------------------------------------------------- membership
@pytest.mark.django_db
def test_admin_adds_a_facilitator_who_gets_the_role(admin_user, cohort):
    person = UserFactory()
    membership, changed = services.membership_add(
        actor=admin_user, cohort=cohort, user=person, kind=Membership.Kind.FACILITATOR
    )
    assert changed
    assert membership.kind == Membership.Kind.FACILITATOR
    assert person.groups.filter(name=Role.FACILITATOR).exists()
    assert permissions.can_facilitate(person, cohort)
    activity = Activity.objects.get()
    assert (activity.verb, activity.target_id, activity.data) == (Verb.MEMBER_ADDED, person.pk, {"kind": "facilitator"})


@pytest.mark.django_db
def test_adding_someone_already_there_changes_nothing(admin_user, leader, cohort):
    _, changed = services.membership_add(actor=admin_user, cohort=cohort, user=leader)
    assert not changed
    assert Membership.objects.filter(cohort=cohort, user=leader).count() == 1
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_a_facilitator_can_be_made_a_member_again(admin_user, facilitator, cohort):
    membership, changed = services.membership_add(actor=admin_user, cohort=cohort, user=facilitator)
    assert changed
    assert membership.kind == Membership.Kind.MEMBER
    assert Membership.objects.get(cohort=cohort, user=facilitator).kind == Membership.Kind.MEMBER
    assert not permissions.can_facilitate(facilitator, cohort)


@pytest.mark.django_db
def test_admin_removes_a_member(admin_user, leader, cohort):
    assert services.membership_remove(actor=admin_user, cohort=cohort, user=leader) is True
    assert services.membership_remove(actor=admin_user, cohort=cohort, user=leader) is False
    assert not Membership.objects.filter(user=leader).exists()
    assert _verbs() == [Verb.MEMBER_REMOVED]


@pytest.mark.django_db
def test_facilitators_do_not_manage_membership(facilitator, leader, cohort):
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=facilitator, cohort=cohort, user=leader)
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=facilitator, cohort=cohort, user=UserFactory())
    assert Membership.objects.filter(user=leader, cohort=cohort).exists()


@pytest.mark.django_db
def test_inactive_people_cannot_be_added(admin_user, cohort):
    person = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.membership_add(actor=admin_user, cohort=cohort, user=person)
    assert not Membership.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_membership_change_rolls_back_when_the_activity_cannot_be_written(admin_user, cohort, monkeypatch):
    person = UserFactory()

    def fail(**kwargs):
        raise RuntimeError("activity log unavailable")

    monkeypatch.setattr(services.metrics, "record", fail)
    with pytest.raises(RuntimeError):
        services.membership_add(actor=admin_user, cohort=cohort, user=person, kind=Membership.Kind.FACILITATOR)
    assert not Membership.objects.filter(user=person).exists()
    assert not person.groups.filter(name=Role.FACILITATOR).exists()


@pytest.mark.django_db
def test_cohort_create_rolls_back_when_the_activity_cannot_be_written(admin_user, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("activity log unavailable")

    monkeypatch.setattr(services.metrics, "record", fail)
    with pytest.raises(RuntimeError):
        services.cohort_create(actor=admin_user, name="Doomed", slug="doomed", starts_on=date(2026, 1, 1))
    assert not Cohort.objects.filter(slug="doomed").exists()
