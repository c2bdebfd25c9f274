from django.contrib import admin

from .models import CourseCohort, PlatformPolicy, RosterEntry, ScorePosted, StageLineItem


@admin.register(PlatformPolicy)
class PlatformPolicyAdmin(admin.ModelAdmin):
    list_display = ("registration", "verifies_email", "frame_origins")


@admin.register(CourseCohort)
class CourseCohortAdmin(admin.ModelAdmin):
    list_display = ("context", "cohort", "created_cohort", "linked_at", "last_roster_sync_at")
    list_select_related = ("context", "cohort")


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ("lti_user", "course", "is_instructor", "last_seen_at", "left_at")
    list_filter = ("left_at",)


@admin.register(StageLineItem)
class StageLineItemAdmin(admin.ModelAdmin):
    list_display = ("stage", "course", "line_item", "published_at")


@admin.register(ScorePosted)
class ScorePostedAdmin(admin.ModelAdmin):
    list_display = ("lti_user", "stage_line_item", "score_given", "score_maximum", "activity_progress", "posted_at")
