"""Boards, topics, posts and what people do with them. Rules live in services and permissions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

TITLE_MAX_LENGTH = 150


class Board(models.Model):
    """A discussion space: for one cohort (members only) or, with no cohort, for the whole organisation."""

    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="boards")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.CharField(max_length=500, blank=True)
    # Plain text shown beside the composer: what this board is for, how to write here.
    guidelines = models.TextField(max_length=4000, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["cohort", "position"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:board-detail", args=[self.slug])

    @property
    def is_org_wide(self) -> bool:
        return self.cohort_id is None


class Topic(models.Model):
    """A conversation on a board. Its first post carries the opening text; counters are kept by services."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", "Discussion"
        QUESTION = "question", "Question"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DISCUSSION)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_topics"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_post = models.ForeignKey("Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_post = models.ForeignKey("Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_post_at = models.DateTimeField(default=timezone.now)
    # Post numbers are allocated from highest_number under a row lock; last_post_number is the
    # number of the last *visible* post, which is what "unread" is measured against.
    highest_number = models.PositiveIntegerField(default=0)
    last_post_number = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)  # visible replies only
    # False when the opening post was deleted or hidden: the topic leaves lists for non-moderators.
    is_visible = models.BooleanField(default=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    slow_mode_minutes = models.PositiveSmallIntegerField(default=0)
    accepted_post = models.ForeignKey("Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Idempotency key from the composer: a double submit finds the topic it already created.
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-last_post_at"]
        indexes = [
            models.Index(
                fields=["board", "is_visible", "-is_pinned", "-last_post_at"], name="forums_topic_board_activity"
            ),
            models.Index(fields=["board", "is_visible", "-created_at"], name="forums_topic_board_newest"),
            models.Index(fields=["is_visible", "-last_post_at"], name="forums_topic_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"], condition=~Q(client_key=""), name="forums_topic_client_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:topic-detail", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION


class Post(models.Model):
    """One contribution to a topic. Number 1 is the opening post. Bodies are sanitised HTML."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    body = models.TextField()  # sanitised by forums.services; the only field templates mark safe
    # Visible text (with the topic title for opening posts): full-text search and excerpts.
    search_text = models.TextField(blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["topic", "number"]
        indexes = [models.Index(fields=["author", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forums_post_number_unique"),
            models.UniqueConstraint(
                fields=["author", "client_key"], condition=~Q(client_key=""), name="forums_post_client_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} in {self.topic_id}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post-detail", args=[self.pk])

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None

    @property
    def is_opening(self) -> bool:
        return self.number == 1


class PostRevision(models.Model):
    """A post as it was: revision 1 is the original, each edit adds one. Quotes point at a revision."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)  # the topic title, for opening posts
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="forums_revision_number_unique")]

    def __str__(self) -> str:
        return f"revision {self.number} of post {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        THANKS = "thanks", "Thanks"
        INSIGHTFUL = "insightful", "Insightful"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="forums_reaction_unique")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} on {self.post_id}"


class ReadState(models.Model):
    """How far one person has read one topic (the highest post number they have seen)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_states")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="forums_readstate_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to {self.last_read_number}"


class Watch(models.Model):
    """A person's choice to follow a board or a topic. ``watching=False`` remembers an explicit opt-out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_watches")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    watching = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(board__isnull=False, topic__isnull=True) | Q(board__isnull=True, topic__isnull=False),
                name="forums_watch_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(board__isnull=False), name="forums_watch_board_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="forums_watch_topic_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.board_id or self.topic_id}"


class Draft(models.Model):
    """Unsent composer text, one per person per board (new topic) or per topic (reply)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_drafts")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="drafts")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts")
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    kind = models.CharField(max_length=16, choices=Topic.Kind.choices, default=Topic.Kind.DISCUSSION)
    body = models.TextField(blank=True)  # sanitised like a post, so restoring it is safe
    updated_at = models.DateTimeField(default=timezone.now)
    # Which open composer wrote it and how many edits it had seen: saves from one composer can overtake one
    # another (an autosave still on its way when the page is left and the beacon goes); the newest is kept.
    writer = models.CharField(max_length=32, blank=True)
    seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="forums_draft_reply_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(topic__isnull=True), name="forums_draft_topic_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"draft of {self.user_id} in {self.topic_id or self.board_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"forums/{now:%Y/%m}/{filename}"


class Attachment(models.Model):
    """An image the portal verified and re-encoded. Only these may appear as images in posts."""

    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_attachments")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    image = models.ImageField(upload_to=attachment_path)
    thumb = models.ImageField(upload_to=attachment_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.image.name


class Flag(models.Model):
    """Someone's report that a piece of content needs a moderator. Generic: posts, blog comments, ...

    ``cohort`` routes the flag to that cohort's facilitators; no cohort means the admins' queue.
    """

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", "Off-topic"
        INAPPROPRIATE = "inappropriate", "Inappropriate"
        CONFIDENTIAL = "confidential", "Confidential information"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        DISMISSED = "dismissed", "Dismissed"
        UPHELD = "upheld", "Content hidden"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_flags")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "cohort"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "flagger"],
                condition=Q(status="open"),
                name="forums_flag_one_open_per_flagger",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag by {self.flagger_id} on {self.content_type_id}:{self.object_id}"


class ModerationAction(models.Model):
    """The audit log: who did what to which content, when and why. Append-only."""

    class Action(models.TextChoices):
        PIN = "pin", "Pinned a topic"
        UNPIN = "unpin", "Unpinned a topic"
        LOCK = "lock", "Locked a topic"
        UNLOCK = "unlock", "Unlocked a topic"
        MOVE = "move", "Moved a topic"
        SLOW_MODE = "slow_mode", "Changed slow mode"
        HIDE = "hide", "Hid content"
        UNHIDE = "unhide", "Unhid content"
        EDIT = "edit", "Edited someone else's post"
        DELETE = "delete", "Removed someone else's post"
        RESTORE = "restore", "Restored a post"
        AUTO_HIDE = "auto_hide", "Hid content automatically after flags"
        FLAG_DISMISS = "flag_dismiss", "Dismissed flags"
        FLAG_HIDE = "flag_hide", "Hid flagged content"
        FLAG_HIDE_MESSAGE = "flag_hide_message", "Hid flagged content and messaged the author"
        BOARD_CREATE = "board_create", "Created a board"
        BOARD_UPDATE = "board_update", "Changed a board"
        BOARD_MOVE = "board_move", "Reordered boards"
        ACCEPT = "accept", "Accepted an answer for the asker"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: the system (e.g. automatic hiding after flags)
    action = models.CharField(max_length=24, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)  # what the target was, readable even after it is gone
    url = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cohort", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


# --- Everyday features (issue 17): polls, bookmarks, mutes ------------------------------------------


class Poll(models.Model):
    """A question with options attached to a topic. Results show after voting or after closing."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(max_length=200)
    multiple = models.BooleanField(default=False)  # several options may be chosen
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.question

    def is_closed(self, now=None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120)

    class Meta:
        ordering = ["poll", "position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="forums_polloption_position_unique")]

    def __str__(self) -> str:
        return self.label


class PollBallot(models.Model):
    """One person's vote in a poll; the unique constraint is what makes it one vote per person."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_ballots")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="forums_pollballot_one_per_voter")]

    def __str__(self) -> str:
        return f"ballot of {self.voter_id} in poll {self.poll_id}"


class PollChoice(models.Model):
    """An option marked on a ballot (one for single choice, one or more for multiple choice)."""

    ballot = models.ForeignKey(PollBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="forums_pollchoice_unique")]

    def __str__(self) -> str:
        return f"{self.option_id} on ballot {self.ballot_id}"


class Bookmark(models.Model):
    """Something a person saved for later: a forum post or (registered by blogs) a blog entry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="forums_bookmark_user_recent")]
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="forums_bookmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.content_type_id}:{self.object_id}"


class Mute(models.Model):
    """A person's choice to hear nothing from a topic or from another person (and see them collapsed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="mutes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="muted_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, person__isnull=True) | Q(topic__isnull=True, person__isnull=False),
                name="forums_mute_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="forums_mute_topic_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "person"], condition=Q(person__isnull=False), name="forums_mute_person_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} muted {self.topic_id or self.person_id}"
