"""The profile form: saving, completion, and bad input (avatars, levels, zones) that keeps the old state."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from metrics.models import Activity
from metrics.verbs import Verb
from portal.images import process_upload
from portal.people.models import Profile
from portal.people.services.people import profile_update
from tests.factories import ProfileFactory, UserFactory

URL = reverse("people:profile-edit")


def _image(fmt="PNG", size=(64, 48), color=(20, 120, 60), name=None, **save_kwargs) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt, **save_kwargs)
    ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(name or f"photo.{ext}", buf.getvalue(), content_type=f"image/{ext}")


def _form(**overrides) -> dict:
    data = {
        "display_name": "Lee Leader",
        "job_title": "Head of Fleet",
        "department": "Operations",
        "management_level": "2",
        "bio": "Twenty years in logistics.",
        "timezone": "Europe/London",
    }
    data.update(overrides)
    return data


@pytest.fixture
def with_avatar(leader):
    """The leader already has a photo; bad uploads must not replace it."""
    profile_update(actor=leader, user=leader, avatar=process_upload(_image(color=(200, 0, 0))))
    return Profile.objects.get(user=leader)


# ---------------------------------------------------------------- the happy path
@pytest.mark.django_db
def test_edit_page_shows_current_values(client, leader):
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Lee Leader"' in html
    assert '<option value="Europe/London" selected>' in html
    assert '<option value="2" selected>Middle manager</option>' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.django_db
def test_saving_updates_the_profile_and_redirects(client, leader):
    client.force_login(leader)
    response = client.post(URL, _form(job_title="Director of Fleet", timezone="America/New_York"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:profile", args=[leader.pk])
    profile = Profile.objects.get(user=leader)
    assert (profile.job_title, profile.timezone) == ("Director of Fleet", "America/New_York")
    assert Activity.objects.get().verb == Verb.PROFILE_UPDATED


@pytest.mark.django_db
def test_completing_a_profile_through_the_form_records_completion(client, cohort):
    user = UserFactory(profile=None)
    ProfileFactory(user=user, display_name="", job_title="", department="", management_level=None, completed_at=None)
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert "To complete it, add your display name, job title, department, management level." in page

    client.post(URL, _form(display_name="Nia New", management_level="3"))
    profile = Profile.objects.get(user=user)
    assert profile.completed_at is not None
    assert Activity.objects.get().verb == Verb.PROFILE_COMPLETED


@pytest.mark.django_db
def test_uploading_a_photo_stores_a_webp_and_a_square_thumbnail(client, leader):
    client.force_login(leader)
    client.post(URL, _form(avatar=_image(size=(300, 200))))
    profile = Profile.objects.get(user=leader)
    with Image.open(profile.avatar.path) as full, Image.open(profile.avatar_thumb.path) as thumb:
        assert full.format == thumb.format == "WEBP"
        assert full.size == (300, 200)
        assert thumb.size == (256, 256)
    html = client.get(reverse("people:profile", args=[leader.pk])).content.decode()
    assert profile.avatar_thumb.url in html


@pytest.mark.django_db
def test_a_png_with_exif_is_re_encoded_without_it(client, leader):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x010E] = "Taken at home, 12 Quay Street"  # ImageDescription
    upload = _image(exif=exif.tobytes())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif()[0x010F] == "SpyCam Inc."
    upload.seek(0)
    client.force_login(leader)
    client.post(URL, _form(avatar=upload))
    profile = Profile.objects.get(user=leader)
    for field in (profile.avatar, profile.avatar_thumb):
        raw = field.read()
        field.close()
        assert b"SpyCam" not in raw
        assert b"Quay Street" not in raw
        with Image.open(io.BytesIO(raw)) as stored:
            assert len(stored.getexif()) == 0
            assert "exif" not in stored.info


@pytest.mark.django_db
def test_removing_the_photo(client, leader, with_avatar):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    assert "Remove my photo" in page
    client.post(URL, _form(remove_avatar="on"))
    assert not Profile.objects.get(user=leader).avatar


@pytest.mark.django_db
def test_uploading_and_removing_at_once_is_an_error(client, leader, with_avatar):
    client.force_login(leader)
    response = client.post(URL, _form(remove_avatar="on", avatar=_image()))
    assert response.status_code == 200
    assert "Either upload a new photo or remove the current one" in response.content.decode()
    assert Profile.objects.get(user=leader).avatar.name == with_avatar.avatar.name


@pytest.mark.django_db
def test_admin_edits_someone_elses_profile(client, admin_user, leader):
    client.force_login(admin_user)
    url = reverse("people:profile-edit-person", args=[leader.pk])
    assert "Edit Lee Leader's profile" in client.get(url).content.decode()
    client.post(url, _form(job_title="Head of Rail"))
    assert Profile.objects.get(user=leader).job_title == "Head of Rail"


@pytest.mark.django_db
def test_leader_cannot_edit_someone_elses_profile(client, leader, other_leader):
    client.force_login(leader)
    url = reverse("people:profile-edit-person", args=[other_leader.pk])
    assert client.post(url, _form(display_name="Hijacked")).status_code == 403
    assert Profile.objects.get(user=other_leader).display_name == "Olive Other"


# ---------------------------------------------------------------- bad input: nothing saved, entries kept
def _assert_nothing_saved_and_entries_kept(response, leader, old_profile, message: str):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "nothing is saved yet" in html
    # What was typed is shown again, not lost.
    assert 'value="A New Name"' in html
    assert "Written while uploading" in html
    profile = Profile.objects.get(user=leader)
    assert profile.display_name == old_profile.display_name
    assert profile.bio == old_profile.bio
    assert profile.avatar.name == old_profile.avatar.name
    assert profile.avatar_thumb.name == old_profile.avatar_thumb.name
    # Only the activity of the fixture's upload: the bad attempt wrote nothing.
    assert Activity.objects.count() == 1


def _post_bad(client, leader, **overrides):
    client.force_login(leader)
    return client.post(URL, _form(display_name="A New Name", bio="Written while uploading", **overrides))


@pytest.mark.django_db
def test_an_oversized_photo_is_refused(client, leader, with_avatar, settings):
    settings.UPLOAD_MAX_BYTES = 2000
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, content_type="image/png")
    response = _post_bad(client, leader, avatar=big)
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "The image is larger than")
    assert "The current photo is unchanged" in response.content.decode()


@pytest.mark.django_db
def test_a_corrupt_photo_is_refused(client, leader, with_avatar):
    broken = _image().read()[:60] + b"this is not the rest of a png"
    upload = SimpleUploadedFile("broken.png", broken, content_type="image/png")
    response = _post_bad(client, leader, avatar=upload)
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "This file is not a readable image.")


@pytest.mark.django_db
def test_an_svg_is_refused(client, leader, with_avatar):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _post_bad(client, leader, avatar=SimpleUploadedFile("me.svg", svg, content_type="image/svg+xml"))
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "SVG images are not accepted.")


@pytest.mark.django_db
def test_an_svg_disguised_as_png_is_refused(client, leader, with_avatar):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    response = _post_bad(client, leader, avatar=SimpleUploadedFile("me.png", svg, content_type="image/png"))
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "SVG images are not accepted.")


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_before_decoding(client, leader, with_avatar, settings):
    settings.UPLOAD_MAX_PIXELS = 100 * 100
    response = _post_bad(client, leader, avatar=_image(size=(400, 400)))
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "The image has too many pixels.")


@pytest.mark.django_db
def test_a_gif_is_refused(client, leader, with_avatar):
    response = _post_bad(client, leader, avatar=_image("GIF"))
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "Upload a JPEG, PNG or WebP image.")


@pytest.mark.django_db
def test_a_text_file_is_refused(client, leader, with_avatar):
    upload = SimpleUploadedFile("notes.txt", b"just some words", content_type="text/plain")
    response = _post_bad(client, leader, avatar=upload)
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "This file is not a readable image.")


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["4", "0", "-1", "senior"])
def test_an_unknown_management_level_is_a_form_error(client, leader, with_avatar, level):
    response = _post_bad(client, leader, management_level=level)
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "Select a valid choice.")
    assert Profile.objects.get(user=leader).management_level == 2


@pytest.mark.django_db
def test_an_unknown_time_zone_is_a_form_error(client, leader, with_avatar):
    response = _post_bad(client, leader, timezone="Atlantis/Lost_City")
    _assert_nothing_saved_and_entries_kept(response, leader, with_avatar, "Select a valid choice.")


@pytest.mark.django_db
def test_an_empty_display_name_is_a_form_error(client, leader, with_avatar):
    client.force_login(leader)
    response = client.post(URL, _form(display_name="   "))
    assert response.status_code == 200
    assert "Enter the name colleagues know you by." in response.content.decode()
    assert Profile.objects.get(user=leader).display_name == "Lee Leader"


@pytest.mark.django_db
def test_an_overlong_bio_is_a_form_error(client, leader, with_avatar):
    client.force_login(leader)
    response = client.post(URL, _form(bio="x" * 2001))
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert Profile.objects.get(user=leader).bio == ""
