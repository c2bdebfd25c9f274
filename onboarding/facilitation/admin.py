"""Read-only admin views for support. Writes go through the facilitation pages (services record activity).

Private reviews are listed without their text: a draft a leader shared with their facilitators stays
between them, also for site administrators.
"""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin  # the same rule: look things up here, write through services

from .models import BuddyPair, CohortFacilitation, Nudge, PromptTemplate, ReviewRequest, ScheduledPrompt


@admin.register(CohortFacilitation)
class CohortFacilitationAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "quiet_days", "time_zone", "welcome_prompt", "updated_at")


@admin.register(PromptTemplate)
class PromptTemplateAdmin(ReadOnlyAdmin):
    list_display = ("title", "category", "kind", "key", "owner", "archived_at")
    list_filter = ("category", "kind")
    search_fields = ("title", "key")


@admin.register(ScheduledPrompt)
class ScheduledPromptAdmin(ReadOnlyAdmin):
    list_display = ("title", "cohort", "board", "status", "release_at", "released_at", "released_timing", "problem")
    list_filter = ("status", "cohort", "released_timing")
    search_fields = ("title",)
    list_select_related = ("cohort", "board")


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "cohort", "author", "status", "revision", "created_at", "closed_at")
    list_filter = ("status", "kind", "cohort")
    fields = ("kind", "cohort", "author", "status", "revision", "created_at", "updated_at", "closed_at")
    list_select_related = ("cohort", "author")


@admin.register(BuddyPair)
class BuddyPairAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "first", "second", "created_by", "created_at")
    list_select_related = ("cohort", "first", "second", "created_by")


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "cohort", "sender", "template", "created_at")
    list_filter = ("template", "cohort")
    list_select_related = ("recipient", "cohort", "sender")
