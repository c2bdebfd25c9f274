"""Verify, cap and re-encode uploaded images with Pillow. SVG and anything not a raster image is refused."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

if TYPE_CHECKING:
    from PIL import Image

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class ProcessedImage:
    name: str
    full: ContentFile
    thumb_name: str
    thumb: ContentFile
    width: int
    height: int


def process_upload(upload, *, max_side: int = 1600, thumb_side: int = 256, square_thumb: bool = True) -> ProcessedImage:
    """Return a re-encoded copy of an uploaded image and a thumbnail, or raise ValidationError.

    Guarantees: the size cap is checked before decoding; the pixel cap is checked from the header
    before the pixels are loaded (decompression bombs); EXIF and other metadata are dropped because
    the pixels are re-encoded into a fresh file.
    """
    max_bytes = settings.UPLOAD_MAX_BYTES
    too_large = ValidationError(f"The image is larger than {filesizeformat(max_bytes)}.", code="too_large")
    if upload.size is not None and upload.size > max_bytes:
        raise too_large
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise ValidationError("SVG images are not accepted. Upload a JPEG, PNG or WebP photo.", code="svg")
    # Pillow is imported on first upload, not at start-up: it is a few MB of every web worker's memory.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG or WebP image.", code="format")
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise ValidationError("The image has too many pixels.", code="too_many_pixels")
            probe.verify()
        # verify() leaves the image unusable; open again to decode the pixels for real.
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") and fmt != "JPEG" else "RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("This file is not a readable image.", code="corrupt") from exc

    full = img.copy()
    full.thumbnail((max_side, max_side))
    thumb = ImageOps.fit(img, (thumb_side, thumb_side)) if square_thumb else img.copy()
    if not square_thumb:
        thumb.thumbnail((thumb_side, thumb_side))
    stem = uuid.uuid4().hex
    return ProcessedImage(
        name=f"{stem}.webp",
        full=ContentFile(_encode(full)),
        thumb_name=f"{stem}-thumb.webp",
        thumb=ContentFile(_encode(thumb)),
        width=full.width,
        height=full.height,
    )


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
