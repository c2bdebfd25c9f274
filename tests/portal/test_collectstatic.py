"""What collectstatic puts in STATIC_ROOT: what pages load, not what is never served (issue 13 worker RSS).

Whitenoise indexes every collected file in every web worker, so files nothing links to cost memory in each.
"""

from pathlib import Path

from django.core.management import call_command


def test_static_root_holds_what_pages_load_and_not_the_unused_copies(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    collected = {str(p.relative_to(tmp_path)) for p in Path(tmp_path).rglob("*") if p.is_file()}
    # What the pages load: our own files, the vendored htmx and Chart.js, the editor, allauth's and the admin's.
    for name in ("css/keystone.css", "js/forums.js", "vendor/htmx/htmx.min.js", "vendor/chartjs/chart.umd.min.js"):
        assert name in collected
    for name in ("django_prose_editor/editor.js", "mfa/js/webauthn.js", "admin/js/core.js", "admin/css/base.css"):
        assert name in collected
    # django-htmx's own htmx copies (the pages load static/vendor/htmx) and the vendor folder's maintenance files.
    assert not [name for name in collected if name.startswith("django_htmx/")]
    assert not {"vendor/update.sh", "vendor/SHA256SUMS", "vendor/VERSIONS"} & collected


def test_the_portal_and_staticfiles_apps_run_their_own_configs():
    """A second AppConfig in portal/apps.py made Django fall back to a bare config for portal (no ready(), no
    job_names): the staticfiles config lives in its own module."""
    from django.apps import apps

    from portal.apps import PortalConfig
    from portal.staticfiles import StaticFilesConfig

    assert type(apps.get_app_config("portal")) is PortalConfig
    assert type(apps.get_app_config("staticfiles")) is StaticFilesConfig
