"""Facilitation tables: per-cohort settings, the prompt library and schedule, private reviews, buddies, nudges.

Fields, constraints and tiny properties only; rules live in ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

TITLE_MAX_LENGTH = 150  # the forums' topic title limit: a prompt becomes a topic
NOTE_MAX_LENGTH = 1000
COMMENT_MAX_LENGTH = 4000
NUDGE_MAX_LENGTH = 240  # read in the bell after the sender's name (notifications hold 300 characters)


class TopicKind(models.TextChoices):
    """The same values as ``forums.models.Topic.Kind`` (kept here so migrations do not import forums)."""

    DISCUSSION = "discussion", "Discussion"
    QUESTION = "question", "Question"


class CohortFacilitation(models.Model):
    """A cohort's facilitation choices. A cohort without a row uses the site defaults (settings)."""

    cohort = models.OneToOneField("people.Cohort", on_delete=models.CASCADE, related_name="facilitation")
    # A cohort board without a new topic for this many days gets its next queued prompt early (0 = never).
    quiet_days = models.PositiveSmallIntegerField(default=5)
    # Wall-clock times of the schedule ("08:00 the morning after") are in this zone; blank = the site's.
    time_zone = models.CharField(max_length=64, blank=True)
    # A new board of this cohort opens with a welcome prompt.
    welcome_prompt = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"facilitation settings of {self.cohort}"


class PromptCategory(models.TextChoices):
    WELCOME = "welcome", "Welcome and introductions"
    DECISIONS = "decisions", "Sharing a decision"
    LESSONS = "lessons", "Lessons learned"
    INPUT = "input", "Asking for input"
    RECOGNITION = "recognition", "Recognising a colleague"
    REFLECTION = "reflection", "Reflecting on a session"
    OPEN = "open", "Working in the open"


class PromptTemplate(models.Model):
    """A reusable prompt: shipped with the product (``key`` set, no owner) or saved by a facilitator."""

    key = models.SlugField(max_length=80, unique=True, null=True, blank=True)  # shipped prompts only
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField()  # sanitised HTML; may contain {cohort} and {board}, filled in when cloned
    kind = models.CharField(max_length=16, choices=TopicKind, default=TopicKind.DISCUSSION)
    category = models.CharField(max_length=16, choices=PromptCategory, default=PromptCategory.OPEN)
    # The timing a clone gets unless the facilitator changes it: days from the session (negative = before)
    # at a local time (None = the session's own time).
    suggested_offset_days = models.SmallIntegerField(default=-2)
    suggested_time = models.TimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="prompt_templates"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shipped(self) -> bool:
        return bool(self.key)


class ScheduledPrompt(models.Model):
    """A starter prompt in a cohort's schedule. The release job turns it into a topic exactly once.

    Timing: ``session`` set = relative to that formal session (``offset_days`` from its local date, at
    ``at_time`` or the session's own time); no session but ``release_at`` = an absolute moment; neither =
    queued without a time (released by hand, or early when its board goes quiet). ``release_at`` is the
    resolved moment the job looks at, recomputed when the session moves.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RELEASED = "released", "Released"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Needs attention"

    class Timing(models.TextChoices):  # the values metrics.models.PromptTiming reads
        BEFORE = "before_session", "Before a session"
        AFTER = "after_session", "After a session"
        UNSCHEDULED = "unscheduled", "Not tied to a session"

    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="scheduled_prompts")
    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, related_name="scheduled_prompts")
    source = models.ForeignKey(
        PromptTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled_copies"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField()  # sanitised HTML
    kind = models.CharField(max_length=16, choices=TopicKind, default=TopicKind.DISCUSSION)
    session = models.ForeignKey(
        "people.CohortSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled_prompts"
    )
    offset_days = models.SmallIntegerField(default=0)
    at_time = models.TimeField(null=True, blank=True)
    release_at = models.DateTimeField(null=True, blank=True)
    is_welcome = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    problem = models.CharField(max_length=300, blank=True)  # why it could not be released (status FAILED)
    released_at = models.DateTimeField(null=True, blank=True)
    released_topic = models.OneToOneField(
        "forums.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="starter_prompt"
    )
    released_early = models.BooleanField(default=False)
    # What the released prompt belonged to, kept even if the session is later removed.
    released_session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    released_timing = models.CharField(max_length=16, choices=Timing.choices, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # members told (once)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [F("release_at").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["status", "release_at"], name="facil_prompt_due"),
            models.Index(fields=["cohort", "status"], name="facil_prompt_cohort"),
            models.Index(fields=["board", "status"], name="facil_prompt_board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="released") | Q(released_at__isnull=False), name="facil_prompt_released_has_time"
            ),
            models.CheckConstraint(
                condition=Q(offset_days__gte=-60) & Q(offset_days__lte=60), name="facil_prompt_offset_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Still waiting to go out (and so editable)."""
        return self.status in (self.Status.QUEUED, self.Status.FAILED)


class ReviewRequest(models.Model):
    """A leader's draft sent to their cohort's facilitators for private comments before it is published.

    Only the author and the cohort's facilitators can see it. ``body`` and ``title`` are the latest
    revision; earlier ones are kept in ReviewRevision.
    """

    class Kind(models.TextChoices):
        TOPIC = "topic", "New topic"
        REPLY = "reply", "Reply"
        ENTRY = "entry", "Blog entry"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for comments"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Visibility(models.TextChoices):  # blog entries: the same values as blogs.models.Entry.Visibility
        ORG = "org", "Everyone in the organisation"
        COHORT = "cohort", "Only my cohort"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_requests")
    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="review_requests")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    board = models.ForeignKey("forums.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("forums.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    topic_kind = models.CharField(max_length=16, choices=TopicKind, default=TopicKind.DISCUSSION)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.COHORT)
    body = models.TextField()  # sanitised HTML
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)  # plain text: what the author is unsure about
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    published_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # last revision or comment
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["cohort", "status", "-updated_at"], name="facil_review_queue"),
            models.Index(fields=["author", "-updated_at"], name="facil_review_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="topic", board__isnull=False) | Q(kind="reply", topic__isnull=False) | Q(kind="entry")
                ),
                name="facil_review_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.kind}) by {self.author_id}"

    def get_absolute_url(self) -> str:
        return reverse("facilitation:review-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def heading(self) -> str:
        if self.kind == self.Kind.REPLY and self.topic_id:
            return f"Reply to “{self.topic.title}”"
        return self.title or "Untitled draft"


class ReviewRevision(models.Model):
    review = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()  # sanitised HTML
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="facil_review_revision_unique")]

    def __str__(self) -> str:
        return f"revision {self.number} of review {self.review_id}"


class ReviewComment(models.Model):
    """A private comment on a draft, by a facilitator (or the author answering). Plain text."""

    review = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()  # the revision it was written about
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment by {self.author_id} on review {self.review_id}"


class BuddyPair(models.Model):
    """Two members of a cohort who look out for each other's first posts. ``first`` has the lower id."""

    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="buddy_pairs")
    first = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="facil_buddy_ordered"),
            models.UniqueConstraint(fields=["cohort", "first"], name="facil_buddy_first_once"),
            models.UniqueConstraint(fields=["cohort", "second"], name="facil_buddy_second_once"),
        ]

    def __str__(self) -> str:
        return f"buddies {self.first_id} and {self.second_id} in {self.cohort_id}"


class Nudge(models.Model):
    """A short message a facilitator sent a member (in the bell and by e-mail). Rate-limited per member."""

    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="nudges")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="nudges_sent"
    )
    template = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="facil_nudge_recipient")]

    def __str__(self) -> str:
        return f"nudge to {self.recipient_id} at {self.created_at:%Y-%m-%d}"
