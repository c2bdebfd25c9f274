"""Production settings: `check --deploy` is clean, and the essentials are required."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "keystone.harbourview.example",
    "DATABASE_URL": "postgres://keystone:not-a-real-password@127.0.0.1:5432/keystone",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def clean_env(**env) -> dict:
    """A clean environment: nothing leaks in from the developer's shell or the test settings."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(ROOT))}
    return {**base, "LANG": "C.UTF-8", **env}


def _run(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warnings():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_essentials(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_refuses_the_development_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789"}
    result = _run(["check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]
