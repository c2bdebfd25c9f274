"""Issue 13: a web worker does not load libraries only a rare request needs.

Pillow (avatar uploads) and icalendar (calendar feeds) are imported on first use. Together they were ≈4.5 MB of
every gunicorn worker's resident memory, loaded at start-up whether or not anyone uploads a photo.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from portal.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the first request would load them
print(",".join(sorted(m for m in ("PIL", "icalendar") if m in sys.modules)))
"""


def test_a_web_worker_starts_without_pillow_or_icalendar(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/keystone_unused",  # never connected to
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "STATIC_ROOT": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
