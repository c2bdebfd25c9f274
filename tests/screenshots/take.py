"""Take the README's screenshots from a running portal with the demo data (`make run`, then `make screenshots`).

Drives Debian's Chromium through Playwright, signs in as the demo people (the facilitator with the
demo's published TOTP secret) and writes PNGs beside this file. Not a test: it asserts nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from demo import org as demo  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BASE = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
OUT = Path(__file__).resolve().parent

SHOTS = {
    "leader": [
        ("home", "/"),
        ("boards", "/boards/"),
        ("topic", None),  # the first topic linked from Latest
        ("blogs", "/blogs/"),
        ("people", "/people/"),
        ("learn", "/learn/"),
    ],
    "facilitator": [("facilitate", "/facilitate/"), ("review-queue", "/boards/review/")],
    "analyst": [("dashboards", "/dashboards/")],
}
EMAILS = {
    "leader": f"leader1@{demo.DEMO_DOMAIN}",
    "facilitator": f"facilitator1@{demo.DEMO_DOMAIN}",
    "analyst": f"analyst@{demo.DEMO_DOMAIN}",
}


def sign_in(page, email: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").first.click()
    page.wait_for_load_state()
    if "/2fa/" in page.url or "authenticate" in page.url:
        code, _ = demo.totp_code()
        page.locator("input[name=code]").fill(code)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for role, shots in SHOTS.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = context.new_page()
            sign_in(page, EMAILS[role])
            for name, path in shots:
                if path is None:
                    page.goto(f"{BASE}/boards/latest/")
                    page.locator("a[href*='/boards/t/']").first.click()
                else:
                    page.goto(BASE + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                print("wrote", OUT / f"{name}.png")
            if role == "leader":
                phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
                phone.add_cookies(context.cookies())
                ppage = phone.new_page()
                ppage.goto(BASE + "/")
                ppage.wait_for_load_state("networkidle")
                ppage.screenshot(path=str(OUT / "home-phone.png"))
                print("wrote", OUT / "home-phone.png")
                phone.close()
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
