"""Forum records in Django admin, read-only: every forum write goes through forums.services (activity,
counters, audit log), so the admin is for looking things up, not for changing them. Moderation happens on
the boards and in the review queue."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin

from .models import Attachment, Board, Flag, ModerationAction, Post, PostRevision, Topic


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ("title", "cohort", "position", "created_at")
    list_filter = ("cohort",)
    search_fields = ("title", "slug")


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("title", "board", "author", "kind", "reply_count", "is_visible", "is_pinned", "is_locked")
    list_filter = ("kind", "is_visible", "is_pinned", "is_locked", "board")
    search_fields = ("title",)
    list_select_related = ("board", "author__profile")
    raw_id_fields = ("author", "first_post", "last_post", "last_poster", "accepted_post")


class RevisionInline(admin.TabularInline):
    model = PostRevision
    fields = ("number", "editor", "reason", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "topic", "author", "created_at", "deleted_at", "hidden_at")
    list_filter = ("deleted_at", "hidden_at")
    search_fields = ("search_text",)
    list_select_related = ("topic", "author__profile")
    raw_id_fields = ("topic", "author", "reply_to", "deleted_by", "hidden_by")
    inlines = [RevisionInline]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("content_type", "object_id", "reason", "status", "flagger", "cohort", "created_at")
    list_filter = ("status", "reason", "content_type")
    list_select_related = ("content_type", "flagger__profile", "cohort")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "summary", "cohort", "reason")
    list_filter = ("action", "cohort")
    search_fields = ("summary", "reason")
    list_select_related = ("actor__profile", "cohort")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("image", "uploader", "post", "width", "height", "created_at")
    list_select_related = ("uploader__profile", "post")


# issue 17 (feat): polls, for looking up a poll's options and turnout (votes stay anonymous here too).
from .models import Poll, PollOption  # noqa: E402


class PollOptionInline(admin.TabularInline):
    model = PollOption
    fields = ["position", "label"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Poll)
class PollAdmin(ReadOnlyAdmin):
    list_display = ["question", "topic", "multiple", "closes_at", "created_at"]
    search_fields = ["question", "topic__title"]
    list_select_related = ["topic"]
    inlines = [PollOptionInline]
