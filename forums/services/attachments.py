"""Image attachments: verified and re-encoded by portal.images before anything is stored."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from portal.images import process_upload
from portal.people.models import User

from .. import permissions
from ..models import Attachment, Board


def attachment_create(*, actor: User, board: Board, upload, alt: str = "") -> Attachment:
    """Store an uploaded image for a post on ``board``.

    Guarantees: the file is a JPEG, PNG or WebP within the size and pixel caps, re-encoded to WebP
    without its metadata (``portal.images`` raises ValidationError with a message for the person
    otherwise); SVG is refused. Until a post uses it the attachment is unattached and pruned after a week.
    No activity is recorded: the post that uses the image is the contribution.
    """
    if not permissions.can_post_in_board(actor, board):
        raise PermissionDenied("You cannot post on this board.")
    processed = process_upload(upload, max_side=1600, thumb_side=320, square_thumb=False)
    with transaction.atomic():
        attachment = Attachment(uploader=actor, alt=(alt or "")[:200], width=processed.width, height=processed.height)
        attachment.image.save(processed.name, processed.full, save=False)
        attachment.thumb.save(processed.thumb_name, processed.thumb, save=False)
        attachment.save()
    return attachment


def attachment_html(attachment: Attachment) -> str:
    """The markup a post uses to show an attachment (the sanitiser keeps it: the source is under /media/)."""
    return format_html(
        '<p><img src="{}" alt="{}" width="{}" height="{}"></p>',
        attachment.image.url,
        attachment.alt,
        attachment.width,
        attachment.height,
    )


def attachments_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete attachments no post ever used (an abandoned composer), with their files."""
    stale = Attachment.objects.filter(post__isnull=True, created_at__lt=timezone.now() - older_than)
    count = 0
    for attachment in stale.iterator():
        attachment.image.delete(save=False)
        attachment.thumb.delete(save=False)
        attachment.delete()
        count += 1
    return count
