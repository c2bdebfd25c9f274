"""The layout the architecture promises: nested apps with their own labels, the demo out of production,
runtime requirements without test tooling."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from django.apps import apps
from django.conf import settings

from tests.conftest import ROOT

DEV_ONLY = {"pytest", "pytest-django", "playwright", "pytest-playwright", "ruff", "time-machine", "factory-boy", "mypy"}


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", text, re.M)}


def test_people_and_notifications_are_apps_of_their_own():
    assert apps.get_app_config("people").name == "portal.people"
    assert apps.get_app_config("notifications").name == "portal.notifications"
    assert settings.AUTH_USER_MODEL == "people.User"
    assert apps.get_model("notifications", "Notification")._meta.db_table == "notifications_notification"


def test_runtime_requirements_carry_no_test_tooling_and_both_files_agree():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert "django" in runtime and "celery" in runtime and "gunicorn" in runtime
    assert DEV_ONLY.isdisjoint(runtime)
    assert set(dev) >= DEV_ONLY
    assert {name: dev[name] for name in set(dev) & set(runtime)} == {
        name: runtime[name] for name in set(dev) & set(runtime)
    }
    assert "--hash=sha256:" in (ROOT / "requirements.txt").read_text()
    assert "--hash=sha256:" in (ROOT / "requirements-dev.txt").read_text()


def test_production_settings_have_no_demo_app_and_no_seed_command():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "keystone.example",
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "unused-production-check.sqlite3"),
        "ALLOW_NON_POSTGRES": "1",
        "ALLOW_NO_REDIS": "1",
    }
    env.pop("REDIS_URL", None)
    script = (
        "import django; django.setup()\n"
        "from django.apps import apps\n"
        "from django.core.management import get_commands\n"
        "print(apps.is_installed('demo'), 'seed_demo' in get_commands(), apps.get_app_config('people').label)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "people"]
    # The test settings (like dev) do install it.
    assert apps.is_installed("demo")
