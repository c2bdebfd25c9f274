"""Seed Keystone through its services: a 20-post topic on a board of 30 topics, blog entries with 20 and
200 comments, and the notifications those make; print the signed-in leader's session and the URLs as JSON.

Run by bench/pages.py: python -m keystone_site.seed (cwd bench/, the repository on PYTHONPATH).
"""

import json

import django

django.setup()

import seedtext  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from blogs.models import Comment  # noqa: E402
from blogs.services.comments import comment_create  # noqa: E402
from blogs.services.entries import entry_create  # noqa: E402
from blogs.services.publishing import entry_publish  # noqa: E402
from keystone_site.forum import html, people_and_board, react, topic_with_posts  # noqa: E402
from tests.factories import BoardFactory  # noqa: E402

people, board = people_and_board()
BoardFactory(cohort=None, title="Everyone", slug="everyone")
small = [topic_with_posts(people, board, seedtext.topic_title(n), 2) for n in range(seedtext.TOPICS - 1)]
big, posts = topic_with_posts(people, board, seedtext.TOPIC_TITLE, seedtext.POSTS)
react(people, posts)


def entry_with_comments(title: str, n_comments: int):
    entry = entry_create(actor=people[0], title=title, body=html(0))
    entry = entry_publish(actor=people[0], entry=entry)
    for n in range(n_comments):
        author = people[1 + n % (len(people) - 1)]
        comment_create(actor=author, entry=entry, body=f"Comment {n}: {seedtext.paragraphs(n)[1]}")
    return entry


entry = entry_with_comments("Ten minutes that set the tone", seedtext.POSTS)
long_entry = entry_with_comments("What a year of weekly notes taught me", seedtext.POSTS)
# 180 more comments as rows (the services' work per comment is not what this page measures; seeding
# 200 through them, notifications and all, took minutes on a busy machine).
Comment.objects.bulk_create(
    Comment(entry=long_entry, author=c.author, body=c.body) for c in list(long_entry.comments.all()) * 9
)

viewer = people[0]
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(viewer)
urls = {
    "topic": big.get_absolute_url(),
    "topic list": board.get_absolute_url(),
    "board list": reverse("forums:index"),
    "blog entry": entry.get_absolute_url(),
    "blog entry, 200 comments": long_entry.get_absolute_url(),
    "home": reverse("home"),
    "notifications": reverse("notifications:list"),
    "bare view": "/bench/bare/",
}
# The RSS soak's extra pages: the rest of what a leader opens in a session (not timed one by one).
soak_topic, soak_posts = small[0]
soak_urls = {
    "latest": reverse("forums:latest"),
    "search": reverse("search") + "?q=tone",
    "people": reverse("people:directory"),
    "profile": reverse("people:profile", args=[people[1].pk]),
    "blogs": reverse("blogs:index"),
    "learn": reverse("onboarding:index"),
    "drafts": reverse("forums:my-drafts"),
    "saved": reverse("forums:saved"),
    "soak topic": soak_topic.get_absolute_url(),
}
for name, url in {**urls, **soak_urls}.items():
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{name} {url} answered {response.status_code} {response.get('Location', '')}")
# ... and its writes, each of which enqueues jobs through the outbox (notifications, goal refresh, score sync):
# a reply on a 2-post topic, and a reaction toggled on its second post (someone else's: one's own takes none).
writes = {
    "reply": reverse("forums:topic-reply", args=[soak_topic.pk]),
    "react": reverse("forums:post-react", args=[soak_posts[1].pk]),
    "csrf page": soak_topic.get_absolute_url(),
}
cookie = f"sessionid={client.cookies['sessionid'].value}"
print(json.dumps({"cookie": cookie, "urls": urls, "soak_urls": soak_urls, "writes": writes}))
