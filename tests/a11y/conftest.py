"""A small organisation with something on every main page, and the pages each role uses most.

Shared by the accessibility (axe-core in Chromium) and markup (the Nu HTML checker) tests, so both check
the same pages: every role's everyday screens, filled with real content rather than empty states only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone


@dataclass
class World:
    users: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)  # role -> [(label, url)]


@pytest.fixture
def world(cohort, leader, other_leader, facilitator, analyst, admin_user):
    from tests.factories import (
        BoardFactory,
        CohortSessionFactory,
        CommentFactory,
        EntryFactory,
        TopicFactory,
        reply_to,
    )
    from tests.factories.blogs import BlogFactory

    board = BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")
    topic = TopicFactory(board=board, author=other_leader, title="How do you open a difficult conversation?")
    reply_to(topic, leader, body="<p>I start with a question, <strong>never</strong> a verdict.</p>")
    blog = BlogFactory(owner=leader)
    entry = EntryFactory(blog=blog, title="What a first post taught me")
    CommentFactory(entry=entry, author=other_leader)
    CohortSessionFactory(cohort=cohort, number=1, title="Session 1", starts_at=timezone.now() + timedelta(days=3))

    from onboarding.models import Lesson

    lesson = Lesson.objects.order_by("pk").first()
    everyone = [
        ("home", reverse("home")),
        ("boards", reverse("forums:index")),
        ("board", reverse("forums:board-detail", args=[board.slug])),
        ("topic", reverse("forums:topic-detail", args=[topic.pk])),
        ("new topic", reverse("forums:topic-create", args=[board.slug])),
        ("latest", reverse("forums:latest")),
        ("blogs", reverse("blogs:index")),
        ("entry", entry.get_absolute_url()),
        ("write", reverse("blogs:entry-create")),
        ("feeds", reverse("blogs:feeds")),
        ("people", reverse("people:directory")),
        ("profile", reverse("people:profile", args=[other_leader.pk])),
        ("profile edit", reverse("people:profile-edit")),
        ("notifications", reverse("notifications:list")),
        ("notification settings", reverse("notifications:preferences")),
        ("learn", reverse("onboarding:index")),
        ("path", reverse("onboarding:path")),
        ("goals", reverse("onboarding:goals")),
        ("policy", reverse("onboarding:policy")),
        ("my progress", reverse("metrics:me")),
    ]
    if lesson is not None:
        everyone.append(("lesson", reverse("onboarding:lesson-detail", args=[lesson.slug])))
    pages = {
        "anonymous": [("sign in", reverse("account_login")), ("password reset", reverse("account_reset_password"))],
        "leader": everyone,
        "facilitator": [
            ("facilitate", reverse("facilitation:index")),
            ("console", reverse("facilitation:console", args=[cohort.slug])),
            ("prompts", reverse("facilitation:schedule", args=[cohort.slug])),
            ("new prompt", reverse("facilitation:prompt-create", args=[cohort.slug])),
            ("review queue", reverse("forums:review-queue")),
            ("invite", reverse("invitations:create")),
            ("dashboards", reverse("metrics:index")),
        ],
        "analyst": [
            ("dashboards", reverse("metrics:index")),
            ("compare", reverse("metrics:compare")),
            ("definitions", reverse("metrics:definitions")),
            ("authoring", reverse("onboarding:manage")),
            ("surveys", reverse("onboarding:survey-list")),
        ],
        "admin": [
            ("cohorts", reverse("people:cohorts")),
            ("members", reverse("people:cohort-members", args=[cohort.slug])),
            ("coach rules", reverse("onboarding:coach-rules")),
            ("audit log", reverse("forums:audit-log")),
        ],
    }
    users = {
        "anonymous": None,
        "leader": leader,
        "facilitator": facilitator,
        "analyst": analyst,
        "admin": admin_user,
    }
    return World(users=users, pages=pages)
