"""In-process cost of the topic page (issue 13): the benchmark's 20-post topic, read by the signed-in leader
who started it, through the Django test Client, DEBUG off, the cache the settings name (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keystone_topic REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/topic_profile.py [requests] [--profile]

Creates (once, kept) the test database ``test_<name>`` and seeds it like bench/keystone_site/seed.py; prints
the CPU milliseconds per request (process time, median of five batches) and, with --profile, cProfile's top
functions by cumulative time. A measuring aid, not a test.
"""

from __future__ import annotations

import sys

from django.test import Client
from inprocess import cpu_per_request, kept_test_database, profile, requests_asked, seed_topic, warm


def main() -> None:
    n = requests_asked()
    kept_test_database()
    topic, leader = seed_topic()
    client = Client()
    client.force_login(leader)
    url = topic.get_absolute_url()
    response = warm(client, url, "the topic page")
    print(f"HTML {len(response.content) / 1024:.1f} KB")
    if "--profile" in sys.argv:
        profile(client, [url], n, "var/topic_page.prof")
        return
    median, spread = cpu_per_request(client, url, n)
    print(f"topic page: {median:.2f} ms CPU per request (batches {spread})")


if __name__ == "__main__":
    main()
