"""Snapshots of the topic list, the Latest list and the board list for several readers (issue 13), to check
that a change to how they are computed leaves every byte readers see as it was.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/list_snapshot.py OUT_DIR

Uses bench/list_profile.py's database and seed, adds (once) topics of every kind a list marks: pinned, locked,
an answered and an open question, a removed topic, a starter prompt, an old topic, a former member's topic,
muted topics and people, partly read topics, an avatar; then writes each page's HTML, CSRF tokens blanked,
per reader. Compare two runs with ``diff -r``. A measuring aid, not a test.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import list_profile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

MARK = "Snapshot variety: pinned"


def variety(board, leader):
    from forums.models import Board, Topic
    from forums.services import post_delete, post_reply, read_state_mark, topic_accept_answer, topic_create
    from forums.services.personal import mute_person_set, mute_topic_set
    from forums.services.topics import topic_lock_set, topic_pin_set
    from portal.people.models import Profile
    from tests.factories import ScheduledPromptFactory, facilitator_of, member_of

    if Topic.objects.filter(title=MARK).exists():
        return Topic.objects.get(title=MARK).board.cohort.memberships.filter(kind="facilitator").first().user
    cohort = board.cohort
    facilitator = facilitator_of(cohort, email="snap-facilitator@bench.example")
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=facilitator, type=Authenticator.Type.TOTP, data={"secret": "snapshot"})
    other = member_of(cohort, email="snap-other@bench.example", profile__display_name="Olu Other")
    pinned = topic_create(actor=other, board=board, title=MARK, body="<p>Pinned</p>")
    topic_pin_set(actor=facilitator, topic=pinned, pinned=True)
    locked = topic_create(actor=other, board=board, title="Snapshot variety: locked", body="<p>Locked</p>")
    topic_lock_set(actor=facilitator, topic=locked, locked=True)
    question = topic_create(
        actor=leader, board=board, title="Snapshot variety: answered", body="<p>Q</p>", kind=Topic.Kind.QUESTION
    )
    answer = post_reply(actor=other, topic=question, body="<p>A</p>")
    topic_accept_answer(actor=leader, topic=question, post=answer)
    topic_create(actor=other, board=board, title="Snapshot variety: open question", body="<p>Q</p>", kind="question")
    removed = topic_create(actor=other, board=board, title="Snapshot variety: removed", body="<p>R</p>")
    post_delete(actor=facilitator, post=removed.posts.get(number=1))
    prompt = topic_create(actor=facilitator, board=board, title="Snapshot variety: prompt", body="<p>P</p>")
    ScheduledPromptFactory(board=board, cohort=cohort, released_topic=prompt)
    old = topic_create(actor=other, board=board, title="Snapshot variety: old", body="<p>O</p>")
    Topic.objects.filter(pk=old.pk).update(last_post_at=timezone.now() - timedelta(days=40))
    gone = topic_create(actor=other, board=board, title="Snapshot variety: former <member>", body="<p>G</p>")
    Topic.objects.filter(pk=gone.pk).update(author=None)
    muted = topic_create(actor=other, board=board, title="Snapshot variety: muted & quiet", body="<p>M</p>")
    mute_topic_set(actor=leader, topic=muted, muted=True)
    mute_person_set(actor=facilitator, person=other, muted=True)
    for topic in list(Topic.objects.filter(board=board).order_by("pk"))[:12:3]:
        read_state_mark(user=leader, topic=topic, number=1)
    for n in range(3):
        post_reply(actor=other, topic=question, body=f"<p>More {n}</p>")
    Profile.objects.filter(user=other).update(avatar_thumb="avatars/snap/thumb.png")
    org = Board.objects.get(slug="everyone")
    topic_create(actor=other, board=org, title="Snapshot variety: everyone", body="<p>E</p>")
    return facilitator


def main() -> None:
    out = Path(sys.argv[1])
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    board, leader = list_profile.seed()
    facilitator = variety(board, leader)
    from django.contrib.auth import get_user_model

    never = get_user_model().objects.get(email="leader01@bench.example")
    url = board.get_absolute_url()
    pages = {
        "board": url,
        "board-newest": url + "?sort=newest",
        "board-unanswered": url + "?sort=unanswered",
        "board-page2": url + "?page=2",
        "board-page99": url + "?page=99",
        "latest": reverse("forums:latest"),
        "index": reverse("forums:index"),
    }
    for reader in (leader, never, facilitator):
        client = Client()
        client.force_login(reader)
        for name, path in pages.items():
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{reader.email} {path}: {response.status_code}")
            html = response.content.decode()
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
            html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)
            target = out / reader.email.split("@")[0] / f"{name}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
