"""What the in-process page profiles (bench/*_profile.py) share: Django set up on the test settings with the
database and cache the environment names (DATABASE_URL, REDIS_URL), a test database created once and kept, the
benchmark's topic, and the two measurements they print (CPU per request, cProfile). Importing this module sets
Django up, so the profiles import it before anything of the project."""

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

settings.ALLOWED_HOSTS = ["*"]


def requests_asked(default: int = 200) -> int:
    """The number of requests the command line asks for (its first number), or ``default``."""
    return int(next((a for a in sys.argv[1:] if a.isdigit()), str(default)))


def kept_test_database() -> None:
    """Use ``test_<name>`` of the configured database, created (migrated) on the first run and kept."""
    connection.creation.create_test_db(verbosity=0, keepdb=True)


def warm(client, url: str, name: str, times: int = 20):
    """Request ``url`` ``times`` times (caches, compiled SQL, templates); stop the script unless each is a 200."""
    for _ in range(times):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{name} answered {response.status_code} {response.get('Location', '')}")
    return response


def cpu_per_request(client, url: str, n: int) -> tuple[float, list[float]]:
    """CPU milliseconds of this process per request: the median of five batches, and the batches, sorted."""
    per_batch = max(1, n // 5)
    batches = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(per_batch):
            client.get(url)
        batches.append((time.process_time() - start) * 1000 / per_batch)
    return statistics.median(batches), sorted(round(b, 2) for b in batches)


def profile(client, urls: list[str], n: int, out: str, *, cumulative: int = 60, own: int = 30) -> None:
    """cProfile (process time) of ``n`` requests of each URL: saved to ``out`` (or $PROFILE_OUT) and printed."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for url in urls:
        for _ in range(n):
            client.get(url)
    profiler.disable()
    profiler.dump_stats(os.environ.get("PROFILE_OUT", out))
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(cumulative)
    stats.sort_stats("tottime").print_stats(own)


def seed_topic():
    """The benchmark's 20-post topic with its reactions (bench/keystone_site/seed.py's forum part), seeded once:
    (the topic, its author)."""
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
