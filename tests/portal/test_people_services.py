"""Services about people: follows (activity + notification), profile updates (completion, validation, files)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from metrics.models import Activity
from metrics.verbs import Verb
from portal.images import process_upload
from portal.notifications import Event
from portal.notifications import services as notification_services
from portal.notifications.models import Notification
from portal.people.models import Follow, Profile
from portal.people.services import people as services
from tests.factories import FollowFactory, ProfileFactory, UserFactory


def _png(size=(40, 40), color=(30, 90, 160)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return SimpleUploadedFile("me.png", buf.getvalue(), content_type="image/png")


# ---------------------------------------------------------------- follows
@pytest.mark.django_db
def test_follow_records_activity_and_notifies_the_followee(leader, other_leader, cohort):
    follow = services.follow_create(actor=leader, followee=other_leader)

    assert Follow.objects.filter(follower=leader, followee=other_leader).exists()
    activity = Activity.objects.get(verb=Verb.FOLLOWED)
    assert (activity.actor, activity.target_id, activity.cohort) == (leader, other_leader.pk, cohort)
    note = Notification.objects.get(recipient=other_leader)
    assert note.event == Event.NEW_FOLLOWER
    assert note.actor == leader
    assert note.url == f"/people/{leader.pk}/"
    assert "Lee Leader started following you" in note.text
    assert note.target_id == follow.pk


@pytest.mark.django_db
def test_new_followers_group_into_one_unread_notification(leader, other_leader):
    third = UserFactory(profile__display_name="Tess Third")
    services.follow_create(actor=leader, followee=other_leader)
    services.follow_create(actor=third, followee=other_leader)

    note = Notification.objects.get(recipient=other_leader)
    assert note.count == 2
    assert note.group_key == f"followers:{other_leader.pk}"
    assert note.actor == third


@pytest.mark.django_db
def test_following_twice_is_a_no_op(leader, other_leader):
    first = services.follow_create(actor=leader, followee=other_leader)
    again = services.follow_create(actor=leader, followee=other_leader)

    assert first.pk == again.pk
    assert Follow.objects.count() == 1
    assert Activity.objects.filter(verb=Verb.FOLLOWED).count() == 1
    assert Notification.objects.get(recipient=other_leader).count == 1


@pytest.mark.django_db
def test_following_yourself_is_refused_and_writes_nothing(leader):
    with pytest.raises(ValidationError, match="cannot follow yourself"):
        services.follow_create(actor=leader, followee=leader)
    assert not Follow.objects.exists()
    assert not Activity.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_following_an_inactive_person_is_refused(leader, other_leader):
    other_leader.is_active = False
    other_leader.save()
    with pytest.raises(ValidationError):
        services.follow_create(actor=leader, followee=other_leader)
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_unfollow_records_activity_only_when_a_follow_existed(leader, other_leader):
    FollowFactory(follower=leader, followee=other_leader)
    assert services.follow_delete(actor=leader, followee=other_leader) is True
    assert services.follow_delete(actor=leader, followee=other_leader) is False
    assert not Follow.objects.exists()
    assert Activity.objects.filter(verb=Verb.UNFOLLOWED).count() == 1


@pytest.mark.django_db
def test_follow_rolls_back_when_the_notification_fails(leader, other_leader, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("notification store down")

    # The notification is written through people's follow hook, in the follow's transaction.
    monkeypatch.setattr(notification_services, "notify", broken)
    with pytest.raises(RuntimeError):
        services.follow_create(actor=leader, followee=other_leader)
    assert not Follow.objects.exists()
    assert not Activity.objects.exists()


# ---------------------------------------------------------------- profile updates
@pytest.fixture
def newcomer(db):
    """Someone who signed up with an empty profile."""
    user = UserFactory(profile=None)
    ProfileFactory(user=user, display_name="", job_title="", department="", management_level=None, completed_at=None)
    return user


FULL = {"display_name": "Nia Newcomer", "job_title": "Head of Yard", "department": "Operations", "management_level": 3}


@pytest.mark.django_db
def test_profile_completion_is_recorded_once(newcomer):
    services.profile_update(actor=newcomer, user=newcomer, display_name="Nia Newcomer", job_title="Head of Yard")
    profile = Profile.objects.get(user=newcomer)
    assert profile.completed_at is None
    assert list(Activity.objects.values_list("verb", flat=True)) == [Verb.PROFILE_UPDATED]

    services.profile_update(actor=newcomer, user=newcomer, **FULL)
    services.profile_update(actor=newcomer, user=newcomer, bio="I run the night shift.")

    profile.refresh_from_db()
    assert profile.completed_at is not None
    verbs = list(Activity.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == [Verb.PROFILE_UPDATED, Verb.PROFILE_COMPLETED, Verb.PROFILE_UPDATED]


@pytest.mark.django_db
@pytest.mark.parametrize("level", [0, 4, "7", "senior"])
def test_unknown_management_level_is_refused(newcomer, level):
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=newcomer, user=newcomer, **{**FULL, "management_level": level})
    assert "management_level" in exc.value.error_dict
    assert Profile.objects.get(user=newcomer).display_name == ""
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_unknown_time_zone_is_refused(newcomer):
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=newcomer, user=newcomer, timezone="Mars/Olympus_Mons")
    assert "timezone" in exc.value.error_dict
    assert Profile.objects.get(user=newcomer).timezone == "Europe/London"


@pytest.mark.django_db
def test_only_the_owner_or_an_admin_may_update_a_profile(leader, other_leader, admin_user):
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=other_leader, user=leader, job_title="Chief of Nothing")
    services.profile_update(actor=admin_user, user=leader, job_title="Head of Fleet")
    assert Profile.objects.get(user=leader).job_title == "Head of Fleet"
    assert Activity.objects.get().actor == admin_user


@pytest.mark.django_db
def test_a_field_the_form_does_not_offer_cannot_be_set(leader):
    with pytest.raises(TypeError):
        services.profile_update(actor=leader, user=leader, completed_at=None)


@pytest.mark.django_db
def test_replacing_the_avatar_deletes_the_old_files_after_commit(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=leader, user=leader, avatar=process_upload(_png()))
    profile = Profile.objects.get(user=leader)
    storage = profile.avatar.storage
    old = [profile.avatar.name, profile.avatar_thumb.name]
    assert all(storage.exists(name) for name in old)

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=leader, user=leader, avatar=process_upload(_png(color=(200, 10, 10))))
    profile.refresh_from_db()
    assert profile.avatar.name not in old
    assert storage.exists(profile.avatar.name)
    assert not any(storage.exists(name) for name in old)


@pytest.mark.django_db
def test_removing_the_avatar_clears_it_and_deletes_the_files(leader, django_capture_on_commit_callbacks):
    services.profile_update(actor=leader, user=leader, avatar=process_upload(_png()))
    profile = Profile.objects.get(user=leader)
    names = [profile.avatar.name, profile.avatar_thumb.name]

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=leader, user=leader, remove_avatar=True)
    profile.refresh_from_db()
    assert not profile.avatar
    assert not profile.avatar_thumb
    assert not any(profile.avatar.storage.exists(name) for name in names)


@pytest.mark.django_db
def test_an_update_that_fails_keeps_the_old_avatar_and_leaves_no_new_files(leader, monkeypatch):
    services.profile_update(actor=leader, user=leader, avatar=process_upload(_png()))
    profile = Profile.objects.get(user=leader)
    storage = profile.avatar.storage
    old_name = profile.avatar.name
    files_before = set(storage.listdir(f"avatars/{leader.pk}")[1])

    def fail(**kwargs):
        raise RuntimeError("activity log unavailable")

    monkeypatch.setattr(services.metrics, "record", fail)
    with pytest.raises(RuntimeError):
        services.profile_update(
            actor=leader, user=leader, display_name="Changed", avatar=process_upload(_png(color=(0, 0, 0)))
        )

    profile.refresh_from_db()
    assert profile.avatar.name == old_name
    assert profile.display_name == "Lee Leader"
    assert set(storage.listdir(f"avatars/{leader.pk}")[1]) == files_before
