"""Issue 13: every page with a rich-text editor fetches the editor bundle by its fingerprinted name.

Fingerprinted URLs are served with a year-long immutable cache; before, blogs.js and facilitation.js imported
"../django_prose_editor/editor.js" by path, so each visit revalidated ≈170 KB gzip of script, and a page with
both the forum composer and a blog editor loaded the bundle twice under two URLs.
"""

import json

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

HASHED = {
    "django_prose_editor/editor.js": "django_prose_editor/editor.0123456789ab.js",
    "django_prose_editor/editor.css": "django_prose_editor/editor.0123456789ab.css",
    "django_prose_editor/material-icons.css": "django_prose_editor/material-icons.0123456789ab.css",
    "css/editor.css": "css/editor.0123456789ab.css",
    "js/blogs.js": "js/blogs.0123456789ab.js",
    "js/facilitation.js": "js/facilitation.0123456789ab.js",
    "js/forums.js": "js/forums.0123456789ab.js",
}


@pytest.fixture
def manifest_storage(settings, tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": HASHED, "hash": "x"}))
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    staticfiles_storage._setup()  # Django resets it when STORAGES changes; make sure it reads the manifest now


@pytest.mark.parametrize(
    "template",
    [
        "blogs/partials/editor_assets.html",
        "facilitation/partials/editor_assets.html",
        "onboarding/partials/editor_assets.html",
        "forums/partials/editor_assets.html",
    ],
)
def test_the_editor_bundle_is_named_by_its_fingerprint(manifest_storage, template):
    html = render_to_string(template)
    assert "django_prose_editor/editor.0123456789ab.js" in html
    assert "django_prose_editor/editor.js" not in html
