"""Fixtures of the lms tests: a real Ralph LRS on a free loopback port, and xAPI settings pointing at it."""

from __future__ import annotations

import pytest

from .lrs_server import RalphLRS, ensure_venv


@pytest.fixture(scope="session")
def ralph_bin():
    try:
        return ensure_venv()
    except Exception as exc:  # pragma: no cover - reported, never silently skipped in CI
        pytest.fail(f"Could not build the Ralph LRS virtualenv (var/ralph-venv): {exc}")


@pytest.fixture
def lrs(ralph_bin, tmp_path, settings):
    """A fresh Ralph LRS (filesystem backend) with the portal's xAPI settings pointing at it."""
    server = RalphLRS(tmp_path / "ralph")
    server.create_credentials()
    server.start()
    settings.XAPI_ENDPOINT = server.endpoint
    settings.XAPI_KEY = server.user
    settings.XAPI_SECRET = server.secret
    settings.XAPI_TIMEOUT = 5
    settings.XAPI_PLATFORM_IRI = "https://keystone.test"
    try:
        yield server
    finally:
        server.stop()
