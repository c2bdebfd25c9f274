"""In-process cost of the home page and of the site chrome (issue 13): the benchmark's signed-in leader, through
the Django test Client, DEBUG off, the cache the settings name (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keystone_home REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/home_profile.py [requests] [--profile] [--page home|notifications|bare|people]

Creates (once, kept) the test database ``test_<name>`` and seeds it like bench/keystone_site/seed.py (the
forum part); prints the CPU milliseconds per request (process time, median of five batches) of the home page,
the notifications list, a bare view through every middleware (the benchmark's yardstick) and their ratios;
with --profile, cProfile's top functions of one page (--page, home by default). A measuring aid, not a test.
"""

from __future__ import annotations

import sys

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from inprocess import cpu_per_request, kept_test_database, profile, requests_asked, seed_topic, warm

PAGES = {"home": "/", "notifications": "/notifications/", "people": "/people/", "bare": "/bench/bare/"}


@override_settings(ROOT_URLCONF="keystone_site.urls")
def main() -> None:
    n = requests_asked()
    page = sys.argv[sys.argv.index("--page") + 1] if "--page" in sys.argv else "home"
    kept_test_database()
    _topic, leader = seed_topic()
    client = Client()
    client.force_login(leader)
    for name, url in PAGES.items():
        warm(client, url, name, times=10)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"{name:<14} {len(response.content) / 1024:6.1f} KB  {len(ctx.captured_queries):>3} queries")
    if "--profile" in sys.argv:
        profile(client, [PAGES[page]], n, f"var/{page}_page.prof", cumulative=70)
        return
    ms = {name: cpu_per_request(client, url, n)[0] for name, url in PAGES.items()}
    for name, value in ms.items():
        print(f"{name:<14} {value:6.2f} ms CPU per request  ({value / ms['bare']:.1f} x bare)")


if __name__ == "__main__":
    main()
