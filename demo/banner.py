"""The demo sign-ins shown in ``runportal``'s banner (registered into portal.banner at start-up)."""

from __future__ import annotations


def demo_banner_notes(*, python: str) -> list[str]:
    from portal.people.models import User

    from . import org as demo

    if not User.objects.filter(email=f"admin@{demo.DEMO_DOMAIN}").exists():
        return []
    code, seconds = demo.totp_code()
    notes = {
        "admin": "two-factor",
        "analyst": "",
        "facilitator": "two-factor; also facilitator2@, facilitator3@",
        "leader": "any of leader1@ … leader60@",
    }
    lines = ["", f"Demo sign-ins ({demo.DEMO_ORG_NAME}), password for all: {demo.DEMO_PASSWORD}"]
    lines += [f"  {role:<12} {email:<34} {notes.get(role, '')}" for role, email in demo.DEMO_LOGINS]
    lines += [
        "",
        "Facilitators and the admin must give a second factor (TOTP) after the password.",
        f"The demo accounts share the authenticator secret {demo.DEMO_TOTP_SECRET}:",
        "add it to any authenticator app, or print the current code with",
        f"  {python} manage.py seed_demo --totp",
        f"(right now it is {code}, for {seconds} more seconds).",
    ]
    return lines
