"""Seed machina with a 20-post topic on a board of 30 topics and print the signed-in session as JSON.

Run by bench/pages.py with machina's virtualenv: python -m machina_site.seed (cwd bench/).
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machina_site.settings")

import django

django.setup()

import seedtext  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from machina.core.db.models import get_model  # noqa: E402

Forum = get_model("forum", "Forum")
Topic = get_model("forum_conversation", "Topic")
Post = get_model("forum_conversation", "Post")
User = get_user_model()

people = [
    User.objects.create_user(username=f"leader{i:02d}", email=f"leader{i:02d}@bench.example", password="x")  # noqa: S106
    for i in range(seedtext.PEOPLE)
]
for i, person in enumerate(people):
    person.first_name, person.last_name = seedtext.person_name(i).rsplit(" ", 1)
    person.save()
category = Forum.objects.create(name="Leadership circles", type=Forum.FORUM_CAT)
forum = Forum.objects.create(parent=category, name="Northern Lights lounge", type=Forum.FORUM_POST)
Forum.objects.create(parent=category, name="Everyone", type=Forum.FORUM_POST)


def topic_with_posts(title: str, n_posts: int):
    topic = Topic.objects.create(
        forum=forum, poster=people[0], subject=title, type=Topic.TOPIC_POST, status=Topic.TOPIC_UNLOCKED, approved=True
    )
    for n in range(1, n_posts + 1):
        Post.objects.create(
            topic=topic,
            poster=people[n % len(people)],
            subject=title if n == 1 else f"Re: {title}",
            content="\n\n".join(seedtext.paragraphs(n)),
            approved=True,
        )
    return topic


for n in range(seedtext.TOPICS - 1):
    topic_with_posts(seedtext.topic_title(n), 2)
big = topic_with_posts(seedtext.TOPIC_TITLE, seedtext.POSTS)
forum.refresh_from_db()

client = Client()
client.force_login(people[1])
urls = {
    "topic": f"/forum/forum/{forum.slug}-{forum.pk}/topic/{big.slug}-{big.pk}/",
    "topic list": f"/forum/forum/{forum.slug}-{forum.pk}/",
    "board list": "/forum/",
}
print(json.dumps({"cookie": f"sessionid={client.cookies['sessionid'].value}", "urls": urls}))
