"""In-process cost of the topic page (issue 13): the benchmark's 20-post topic, read by the signed-in leader
who started it, through the Django test Client, DEBUG off, the cache the settings name (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keystone_topic REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/topic_profile.py [requests] [--profile]

Creates (once, kept) the test database ``test_<name>`` and seeds it like bench/keystone_site/seed.py; prints
the CPU milliseconds per request (process time, median of five batches) and, with --profile, cProfile's top
functions by cumulative time. A measuring aid, not a test.
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
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def seed():
    import seedtext
    from keystone_site.forum import people_and_board, react, topic_with_posts

    from forums.models import Topic

    existing = Topic.objects.filter(title=seedtext.TOPIC_TITLE).first()
    if existing is not None:
        return existing, existing.author
    people, board = people_and_board()
    topic, posts = topic_with_posts(people, board, seedtext.TOPIC_TITLE, seedtext.POSTS)
    react(people, posts)
    return topic, people[0]


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    topic, leader = seed()
    client = Client()
    client.force_login(leader)
    url = topic.get_absolute_url()
    for _ in range(20):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"the topic page answered {response.status_code}")
    print(f"HTML {len(response.content) / 1024:.1f} KB")
    if "--profile" in sys.argv:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(n):
            client.get(url)
        profiler.disable()
        profiler.dump_stats(os.environ.get("PROFILE_OUT", "var/topic_page.prof"))
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        return
    batches = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(n // 5):
            client.get(url)
        batches.append((time.process_time() - start) * 1000 / (n // 5))
    spread = sorted(round(b, 2) for b in batches)
    print(f"topic page: {statistics.median(batches):.2f} ms CPU per request (batches {spread})")


if __name__ == "__main__":
    main()
