"""The demo's one registered LTI platform: the test LMS simulator that ships with the tests.

Start it with ``python -m tests.lti.simulator`` (it listens on 127.0.0.1:8765, the address registered
here) and open its course page to launch Keystone from a fictional LMS course.
"""

from __future__ import annotations

from lti_tool.models import LtiRegistration

DEMO_LMS_BASE = "http://127.0.0.1:8765"
DEMO_CLIENT_ID = "keystone-demo"
DEMO_DEPLOYMENT_ID = "demo-deployment-1"


def seed(org) -> None:
    from lms.lti.services.registrations import platform_register

    if LtiRegistration.objects.filter(issuer=DEMO_LMS_BASE, client_id=DEMO_CLIENT_ID).exists():
        return
    platform_register(
        actor=org.admin,
        name="Demo LMS (fictional test platform)",
        issuer=DEMO_LMS_BASE,
        client_id=DEMO_CLIENT_ID,
        auth_url=f"{DEMO_LMS_BASE}/auth",
        token_url=f"{DEMO_LMS_BASE}/token",
        keyset_url=f"{DEMO_LMS_BASE}/jwks",
        deployment_ids=[DEMO_DEPLOYMENT_ID],
    )


def reset() -> None:
    LtiRegistration.objects.filter(issuer=DEMO_LMS_BASE, client_id=DEMO_CLIENT_ID).delete()
