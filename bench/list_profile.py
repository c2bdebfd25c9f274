"""In-process cost of the topic list (a board's page) and the board list (issue 13): the benchmark's board of
30 topics and its org-wide neighbour, read by the signed-in leader, through the Django test Client, DEBUG off,
the cache the settings name (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keystone_lists REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/list_profile.py [requests] [topics|boards] [--profile | --queries]

Creates (once, kept) the test database ``test_<name>`` and seeds it like bench/keystone_site/seed.py (its forum
part); prints the CPU milliseconds per request of each page (process time, median of five batches) and, with
--profile, cProfile's top functions by cumulative and own time; with --queries, each page's SQL. A measuring
aid, not a test.
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
from django.urls import reverse  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def seed():
    """The benchmark's board (29 two-post topics and the 20-post one, with reactions) and the org-wide board."""
    import seedtext
    from keystone_site.forum import people_and_board, react, topic_with_posts

    from forums.models import Board, Topic
    from tests.factories import BoardFactory

    existing = Topic.objects.filter(title=seedtext.TOPIC_TITLE).first()
    if existing is not None:
        return existing.board, existing.author
    people, board = people_and_board()
    if not Board.objects.filter(slug="everyone").exists():
        BoardFactory(cohort=None, title="Everyone", slug="everyone")
    for n in range(seedtext.TOPICS - 1):
        topic_with_posts(people, board, seedtext.topic_title(n), 2)
    _, posts = topic_with_posts(people, board, seedtext.TOPIC_TITLE, seedtext.POSTS)
    react(people, posts)
    return board, people[0]


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    board, leader = seed()
    client = Client()
    client.force_login(leader)
    pages = {"topics": board.get_absolute_url(), "boards": reverse("forums:index")}
    chosen = [name for name in pages if name in sys.argv[1:]] or list(pages)
    for name in chosen:
        for _ in range(20):
            response = client.get(pages[name])
            if response.status_code != 200:
                sys.exit(f"{name} answered {response.status_code}")
        print(f"{name}: HTML {len(response.content) / 1024:.1f} KB")
    if "--queries" in sys.argv:
        from django.test.utils import CaptureQueriesContext

        for name in chosen:
            with CaptureQueriesContext(connection) as context:
                client.get(pages[name])
            print(f"{name}: {len(context.captured_queries)} queries")
            for query in context.captured_queries:
                print("   ", query["sql"][:300])
        return
    if "--profile" in sys.argv:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for name in chosen:
            for _ in range(n):
                client.get(pages[name])
        profiler.disable()
        profiler.dump_stats(os.environ.get("PROFILE_OUT", "var/list_pages.prof"))
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(70)
        stats.sort_stats("tottime").print_stats(35)
        return
    for name in chosen:
        batches = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(n // 5):
                client.get(pages[name])
            batches.append((time.process_time() - start) * 1000 / (n // 5))
        spread = sorted(round(b, 2) for b in batches)
        print(f"{name}: {statistics.median(batches):.2f} ms CPU per request (batches {spread})")


if __name__ == "__main__":
    main()
