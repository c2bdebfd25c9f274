"""In-process cost of the blog entry page (issue 13): the benchmark's entries with 20 and 200 comments, read by
the signed-in leader who wrote them, through the Django test Client, DEBUG off, the cache the settings name
(Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keystone_entry REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/entry_profile.py [requests] [--long] [--profile]

Creates (once, kept) the test database ``test_<name>`` and seeds it like bench/keystone_site/seed.py; prints
the CPU milliseconds per request (process time, median of five batches) for the 20-comment entry (``--long``:
the 200-comment one) and, with --profile, cProfile's top functions. A measuring aid, not a test.
"""

from __future__ import annotations

import sys

from django.test import Client
from inprocess import cpu_per_request, kept_test_database, profile, requests_asked, warm

SHORT, LONG = "Ten minutes that set the tone", "What a year of weekly notes taught me"


def seed():
    """The two entries of bench/keystone_site/seed.py (the same words, comments by the others in turn)."""
    import seedtext
    from keystone_site.forum import html, people_and_board

    from blogs.models import Comment, Entry
    from blogs.services.comments import comment_create
    from blogs.services.entries import entry_create
    from blogs.services.publishing import entry_publish

    if Entry.objects.filter(title=LONG).exists():
        return Entry.objects.get(title=SHORT), Entry.objects.get(title=LONG)
    people, _board = people_and_board()

    def entry_with_comments(title: str):
        entry = entry_publish(actor=people[0], entry=entry_create(actor=people[0], title=title, body=html(0)))
        for n in range(seedtext.POSTS):
            author = people[1 + n % (len(people) - 1)]
            comment_create(actor=author, entry=entry, body=f"Comment {n}: {seedtext.paragraphs(n)[1]}")
        return entry

    short, long = entry_with_comments(SHORT), entry_with_comments(LONG)
    Comment.objects.bulk_create(
        Comment(entry=long, author=c.author, body=c.body) for c in list(long.comments.all()) * 9
    )
    return short, long


def main() -> None:
    n = requests_asked()
    kept_test_database()
    short, long = seed()
    entry = long if "--long" in sys.argv else short
    client = Client()
    client.force_login(entry.author)
    url = entry.get_absolute_url()
    response = warm(client, url, "the entry page")
    print(f"HTML {len(response.content) / 1024:.1f} KB")
    if "--profile" in sys.argv:
        profile(client, [url], n, "var/entry_page.prof", cumulative=70)
        return
    median, spread = cpu_per_request(client, url, n)
    which = "200 comments" if "--long" in sys.argv else "20 comments"
    print(f"entry page ({which}): {median:.2f} ms CPU per request (batches {spread})")


if __name__ == "__main__":
    main()
