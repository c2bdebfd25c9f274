"""Benchmark the one search: time of the search page with a large corpus divided by a small one.

    python bench/search.py [SMALL LARGE]     default: 2k 50k (posts and as many blog entries)

PostgreSQL only (full-text with the GIN indexes); DATABASE_URL defaults to the "week" engineer's own
database. Builds SMALL posts + SMALL entries, times GET /search/?q=… for a word that matches a fixed
handful of rows (median of 7 after a warm-up), grows to LARGE and times again. With the GIN indexes the
ratio should stay near 1 while the corpus grows 25-fold: the cost follows the matches, not the corpus.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ks_week")

from rollup import parse_n, setup  # bench/ sibling module; it sets up Django's environment

REPEAT = 7
WORDS = [
    "rota",
    "depot",
    "shift",
    "team",
    "planning",
    "handover",
    "customer",
    "yard",
    "returns",
    "safety",
    "training",
    "budget",
    "review",
    "listening",
    "coaching",
    "feedback",
    "meeting",
    "delegation",
    "priorities",
    "night",
    "weekend",
    "schedule",
    "supplier",
]
NEEDLE = "kingfisher"  # appears in exactly 5 posts and 5 entries, whatever the corpus size


def _text(rng: random.Random, n: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def grow(target: int, author, board, blog) -> None:
    from blogs.models import Entry
    from forums.models import Post, Topic

    rng = random.Random(target)
    have = Entry.objects.filter(blog=blog).count()
    missing = target - have
    if missing <= 0:
        return
    topic = Topic.objects.create(board=board, title="Bench topic", author=author)
    batch = 5_000
    for start in range(0, missing, batch):
        n = min(batch, missing - start)
        Post.objects.bulk_create(
            Post(topic=topic, number=have + start + i + 1, author=author, body="<p>x</p>", search_text=_text(rng))
            for i in range(n)
        )
        Entry.objects.bulk_create(
            Entry(
                blog=blog,
                author=author,
                title=f"Bench entry {have + start + i}",
                slug=f"bench-{have + start + i}",
                body="<p>x</p>",
                search_text=_text(rng),
                status=Entry.Status.PUBLISHED,
                published_at=blog.created_at,
            )
            for i in range(n)
        )


def measure(client) -> float:
    url = f"/search/?q={NEEDLE}"
    client.get(url)  # warm-up
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200 or response.content.count(b"search-result__title") != 10:
            sys.exit(f"Unexpected search page ({response.status_code}): the benchmark data is not as built.")
    return statistics.median(times)


def main() -> None:
    small, large = (parse_n(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (2_000, 50_000)
    setup()
    from django.db import connection
    from django.test import Client

    from blogs.models import Blog, Entry
    from forums.models import Board, Post, Topic
    from portal.people.models import Profile, User

    author, _ = User.objects.get_or_create(email="bench-search@bench.example", defaults={"password": "!"})
    Profile.objects.get_or_create(user=author, defaults={"display_name": "Bench Author"})
    board, _ = Board.objects.get_or_create(slug="bench-search", defaults={"title": "Bench board"})
    blog, _ = Blog.objects.get_or_create(slug="bench-search", defaults={"owner": author, "title": "Bench blog"})
    Entry.objects.filter(blog=blog).delete()
    Topic.objects.filter(board=board).delete()
    client = Client()
    client.force_login(author)

    results = {}
    for n in (small, large):
        grow(n, author, board, blog)
        Post.objects.filter(topic__board=board, search_text__contains=NEEDLE).update(search_text="x")
        Entry.objects.filter(blog=blog, search_text__contains=NEEDLE).update(search_text="x")
        for model, qs in ((Post, Post.objects.filter(topic__board=board)), (Entry, Entry.objects.filter(blog=blog))):
            ids = list(qs.order_by("pk").values_list("pk", flat=True)[:5])
            model.objects.filter(pk__in=ids).update(search_text=f"a note about the {NEEDLE} by the yard")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE forums_post; ANALYZE blogs_entry")
        results[n] = measure(client)
        print(f"{n:>8} posts + {n} entries: search page median {results[n] * 1000:.1f} ms")
    print(f"ratio large/small: {results[large] / results[small]:.2f} (corpus grew {large / small:.0f}x)")


if __name__ == "__main__":
    main()
