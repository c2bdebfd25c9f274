import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name: str = "cover.png", size: tuple[int, int] = (800, 500), color=(30, 90, 160)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def make_png():
    return png_upload


def activities(verb, **filters):
    from metrics.models import Activity

    return Activity.objects.filter(verb=verb, **filters)
