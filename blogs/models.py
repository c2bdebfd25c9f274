"""Blogs, entries, comments, reads, tag follows and feed tokens. Rules live in services and permissions."""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Blog(models.Model):
    """A member's personal blog (created with their first entry) or a cohort blog run by its facilitators."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personal blog"
        COHORT = "cohort", "Cohort blog"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSONAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="blogs"
    )
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="blogs")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["owner"], condition=Q(kind="personal"), name="blog_one_personal_per_owner"),
            models.UniqueConstraint(fields=["cohort"], condition=Q(kind="cohort"), name="blog_one_per_cohort"),
            models.CheckConstraint(
                condition=(Q(kind="personal", owner__isnull=False, cohort__isnull=True))
                | Q(kind="cohort", cohort__isnull=False),
                name="blog_kind_matches_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blogs:blog-detail", args=[self.slug])

    @property
    def is_cohort(self) -> bool:
        return self.kind == self.Kind.COHORT


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blogs:tag", args=[self.slug])


def cover_path(instance: Entry, filename: str) -> str:
    return f"blogs/covers/{instance.author_id}/{filename}"


class Entry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        ORG = "org", "Everyone in the organisation"
        COHORT = "cohort", "Only my cohort"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_entries")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)  # sanitised HTML, written only by blogs.services
    cover = models.ImageField(upload_to=cover_path, blank=True)
    cover_thumb = models.ImageField(upload_to=cover_path, blank=True)
    cover_alt = models.CharField(max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.ORG)
    # The audience when visibility is "cohort" (always the blog's cohort for a cohort blog).
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comments_enabled = models.BooleanField(default=True)
    publish_at = models.DateTimeField(null=True, blank=True)  # when a scheduled entry goes out
    published_at = models.DateTimeField(null=True, blank=True)  # the first publication
    updated_at = models.DateTimeField(null=True, blank=True)  # the last edit after publication
    word_count = models.PositiveIntegerField(default=0)
    # Title, summary, tags and the body's visible text: the portal's one search (GIN-indexed on PostgreSQL).
    search_text = models.TextField(blank=True, default="")
    # Set once when followers were told about the entry (fan-out happens once per entry).
    announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)
    # The editor (page load) that last saved it and how many edits it had seen (blogs.js): an autosave from
    # that editor arriving after the save is stale and keeps nothing (entry_autosave).
    editor_key = models.CharField(max_length=32, blank=True)
    editor_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["blog", "slug"], name="entry_slug_unique_per_blog"),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False), name="entry_scheduled_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="entry_published_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(visibility="cohort") | Q(cohort__isnull=False), name="entry_cohort_visibility_has_cohort"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["author", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blogs:entry-detail", args=[self.blog.slug, self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / settings.BLOGS_WORDS_PER_MINUTE))


class EntryRevision(models.Model):
    """The content of an entry as it was saved; every explicit save keeps one."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    tags = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=16, choices=Entry.Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="entry_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.entry_id} r{self.number}"


class EntryAutosave(models.Model):
    """The author's unsaved working copy, written by the editor every few seconds.

    Autosave never touches the entry itself (so it cannot change what is published or scheduled);
    the editor restores the working copy when it is newer than the last explicit save.
    ``entry`` is empty for an entry that has not been saved yet.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves")
    title = models.CharField(max_length=200, blank=True)
    slug = models.CharField(max_length=120, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    tags = models.CharField(max_length=400, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    # Which open editor wrote it and how many edits it had seen: saves from one editor can overtake one
    # another (an autosave still on its way when the page is left and the beacon goes); the newest is kept.
    writer = models.CharField(max_length=32, blank=True)
    seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "entry"], condition=Q(entry__isnull=False), name="autosave_one_per_entry"
            ),
            models.UniqueConstraint(fields=["author"], condition=Q(entry__isnull=True), name="autosave_one_new_entry"),
        ]

    def __str__(self) -> str:
        return f"autosave of {self.entry_id or 'new entry'} by {self.author_id}"


class Comment(models.Model):
    """A comment on an entry; replies are one level deep (a reply's parent is always a top-level comment)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField()  # sanitised HTML
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)  # edits by the author; history in CommentRevision
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)  # hidden by a moderator (e.g. after a flag)
    # Who hid it; empty while hidden means the system hid it automatically after several flags.
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    # Set once when the entry's author (and the person replied to) were told; notifying happens once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["entry", "parent", "created_at"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.entry_id}"

    def get_absolute_url(self) -> str:
        """The entry's page of comments that shows this comment (comments are paginated by thread)."""
        page = self.page_number()
        return f"{self.entry.get_absolute_url()}{f'?comments={page}' if page > 1 else ''}#comment-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None

    def page_number(self, *, per_page: int | None = None) -> int:
        """The page of its entry's comments that shows this comment's thread (threads are oldest first).

        Here rather than in the selectors (which import the models) so the URL needs no import back."""
        per_page = per_page or settings.BLOGS_COMMENTS_PER_PAGE
        root: Comment = self.parent or self
        earlier = Comment.objects.filter(entry_id=root.entry_id, parent__isnull=True).filter(
            Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
        )
        return earlier.count() // per_page + 1


class CommentRevision(models.Model):
    """A comment as it was, like a forum post's revisions: number 1 is the original, each edit adds one."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()  # sanitised HTML
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "number"]
        constraints = [models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_number_unique")]

    def __str__(self) -> str:
        return f"revision {self.number} of comment {self.comment_id}"


class EntryRead(models.Model):
    """One row per reader per entry: the read count counts people, not page loads."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "reader"], name="entry_read_once")]
        indexes = [models.Index(fields=["read_at"])]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.entry_id}"


class TagFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tag_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows #{self.tag_id}"


class FeedToken(models.Model):
    """The secret in a person's feed URLs. Regenerating replaces the row, so old URLs stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The last day a feed reader used the personal feed (activity is recorded at most once a day).
    used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed token of {self.user_id}"
