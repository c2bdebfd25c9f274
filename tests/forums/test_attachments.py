"""Images: only attachments the portal verified and stored may appear in posts."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from forums.models import Attachment, Topic
from forums.services import attachment_create, attachment_html, attachments_prune, post_reply

pytestmark = pytest.mark.django_db


def png(name="photo.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_uploaded_image_is_re_encoded_and_can_be_posted(board, topic, other_leader):
    attachment = attachment_create(actor=other_leader, board=board, upload=png())
    assert attachment.image.name.endswith(".webp") and attachment.width == 64
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Look:</p>" + attachment_html(attachment))
    assert f'src="{attachment.image.url}"' in reply.body
    attachment.refresh_from_db()
    assert attachment.post == reply


def test_svg_and_non_images_are_refused(board, other_leader):
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')
    with pytest.raises(ValidationError) as error:
        attachment_create(actor=other_leader, board=board, upload=svg)
    assert "SVG" in error.value.messages[0]
    with pytest.raises(ValidationError):
        attachment_create(actor=other_leader, board=board, upload=SimpleUploadedFile("x.png", b"not an image"))
    assert not Attachment.objects.exists()


def test_images_that_are_not_stored_attachments_are_dropped(topic, other_leader):
    reply = post_reply(
        actor=other_leader,
        topic=topic,
        body='<p>a</p><img src="/media/avatars/1/someone.webp"><img src="https://evil.example/x.png">',
    )
    assert "<img" not in reply.body


def test_the_composer_without_javascript_attaches_images_and_keeps_them_on_error(client, topic, other_leader):
    client.force_login(other_leader)
    url = reverse("forums:topic-reply", args=[topic.pk])
    # an empty text fails, but the stored image is kept in the re-shown composer
    response = client.post(url, {"body": "", "images": [png()], "client_key": "a1"})
    assert response.status_code == 400
    attachment = Attachment.objects.get()
    assert attachment.image.url in response.content.decode()
    response = client.post(url, {"body": "<p>With a photo</p>", "images": [png("b.png")], "client_key": "a2"})
    assert response.status_code == 302
    reply = Topic.objects.get(pk=topic.pk).last_post
    assert reply.attachments.count() == 1 and "<img" in reply.body


def test_the_upload_endpoint_answers_json_and_errors(client, board, other_leader):
    client.force_login(other_leader)
    url = reverse("forums:attachment-upload")
    ok = client.post(url, {"board": board.slug, "image": png()})
    assert ok.status_code == 201 and ok.json()["src"].startswith("/media/forums/")
    bad = client.post(url, {"board": board.slug, "image": SimpleUploadedFile("x.svg", b"<svg></svg>")})
    assert bad.status_code == 400 and "SVG" in bad.json()["error"]


def test_unused_uploads_are_pruned(board, other_leader):
    old = attachment_create(actor=other_leader, board=board, upload=png())
    Attachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    attachment_create(actor=other_leader, board=board, upload=png())
    assert attachments_prune() == 1
    assert Attachment.objects.count() == 1
