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

import sys

from django.db import connection
from django.test import Client
from django.urls import reverse
from inprocess import cpu_per_request, kept_test_database, profile, requests_asked, warm


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
    n = requests_asked()
    kept_test_database()
    board, leader = seed()
    client = Client()
    client.force_login(leader)
    pages = {"topics": board.get_absolute_url(), "boards": reverse("forums:index")}
    chosen = [name for name in pages if name in sys.argv[1:]] or list(pages)
    for name in chosen:
        response = warm(client, pages[name], name)
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
        profile(client, [pages[name] for name in chosen], n, "var/list_pages.prof", cumulative=70, own=35)
        return
    for name in chosen:
        median, spread = cpu_per_request(client, pages[name], n)
        print(f"{name}: {median:.2f} ms CPU per request (batches {spread})")


if __name__ == "__main__":
    main()
