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

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def seed():
    import seedtext
    from keystone_site.forum import people_and_board, react, topic_with_posts

    from forums.models import Topic

    existing = Topic.objects.filter(title=seedtext.TOPIC_TITLE).first()
    if existing is not None:
        return existing.author
    people, board = people_and_board()
    _topic, posts = topic_with_posts(people, board, seedtext.TOPIC_TITLE, seedtext.POSTS)
    react(people, posts)
    return people[0]


PAGES = {"home": "/", "notifications": "/notifications/", "people": "/people/", "bare": "/bench/bare/"}


def per_request(client, url: str, n: int) -> float:
    batches = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(max(1, n // 5)):
            client.get(url)
        batches.append((time.process_time() - start) * 1000 / max(1, n // 5))
    return statistics.median(batches)


@override_settings(ROOT_URLCONF="keystone_site.urls")
def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    page = sys.argv[sys.argv.index("--page") + 1] if "--page" in sys.argv else "home"
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    leader = seed()
    client = Client()
    client.force_login(leader)
    for name, url in PAGES.items():
        for _ in range(10):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{name} answered {response.status_code} {response.get('Location', '')}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"{name:<14} {len(response.content) / 1024:6.1f} KB  {len(ctx.captured_queries):>3} queries")
    if "--profile" in sys.argv:
        url = PAGES[page]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(n):
            client.get(url)
        profiler.disable()
        profiler.dump_stats(os.environ.get("PROFILE_OUT", f"var/{page}_page.prof"))
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(70)
        stats.sort_stats("tottime").print_stats(30)
        return
    ms = {name: per_request(client, url, n) for name, url in PAGES.items()}
    for name, value in ms.items():
        print(f"{name:<14} {value:6.2f} ms CPU per request  ({value / ms['bare']:.1f} x bare)")


if __name__ == "__main__":
    main()
