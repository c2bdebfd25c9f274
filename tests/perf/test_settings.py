"""Issue 13: the threaded development server must not hold a persistent PostgreSQL connection per thread."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('CONN_MAX_AGE')))"
)


def conn_max_age(module: str, **env) -> int:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": module, **env}
    environ.pop("CONN_MAX_AGE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("module", "expected"),
    [("portal.settings.dev", 0), ("portal.settings.base", 60)],  # gunicorn (base/production) keeps them
)
def test_dev_closes_connections_after_each_request_and_gunicorn_keeps_them(module, expected):
    assert conn_max_age(module, DATABASE_URL="postgres://postgres@127.0.0.1:5432/ks_perf") == expected
