"""Fixtures for the LTI tests: an independent platform over HTTP and Keystone's registration of it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .simulator import INSTRUCTOR, LEARNER, TestPlatform


@pytest.fixture
def platform(client):
    """A running platform; the tool's JWKS reaches it as the JWKS view answers it (``refresh_tool_jwks``)."""
    snapshot: dict = {"keys": []}
    plat = TestPlatform(tool_base="http://testserver", tool_jwks=lambda: snapshot)

    def refresh_tool_jwks():
        snapshot.clear()
        snapshot.update(client.get("/lti/jwks/").json())

    plat.refresh_tool_jwks = refresh_tool_jwks
    plat.start()
    yield plat
    plat.stop()


@pytest.fixture
def lti_admin(db):
    from portal.people.models import Role
    from tests.factories import UserFactory

    user = UserFactory(roles=(Role.ADMIN,), profile__display_name="Ada Admin", email="ada.admin@keystone.example")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def registration(platform, lti_admin):
    from lms.lti.services.registrations import platform_register

    reg = platform_register(
        actor=lti_admin,
        name="Test LMS",
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_url=platform.auth_url,
        token_url=platform.token_url,
        keyset_url=platform.jwks_url,
        deployment_ids=[platform.deployment_id],
    )
    platform.refresh_tool_jwks()
    return reg


@pytest.fixture
def people(platform):
    """The course roster as the LMS knows it (fictional people)."""
    return {
        "teacher": platform.add("sub-teacher", "Tam Teacher", "tam.teacher@lms.example", [INSTRUCTOR]),
        "learner": platform.add("sub-learner", "Lou Learner", "lou.learner@lms.example", [LEARNER]),
    }


def preflight(client, platform, sub: str, *, message: str = "resource:link-1") -> dict[str, str]:
    """Run the tool's OIDC login initiation; return the authorisation request it sent to the platform."""
    response = client.get(platform.login_url(sub, message=message))
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(platform.auth_url)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def launch(client, platform, sub: str, *, message: str = "resource:link-1", **tamper):
    """A whole launch through the Django test client: login initiation, id_token, POST to the launch URL."""
    form = platform.id_token(preflight(client, platform, sub, message=message), **tamper)
    return client.post("/lti/launch/", form), form
