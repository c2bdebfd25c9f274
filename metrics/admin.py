from django.contrib import admin

from portal.admin import ReadOnlyAdmin

from .models import Activity, RollupGap, RollupState, SentSummary


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "verb", "cohort", "management_level")
    list_filter = ("verb", "cohort", "management_level")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "cohort")


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_activity_id", "last_run_at", "last_rebuild_at")


@admin.register(RollupGap)
class RollupGapAdmin(ReadOnlyAdmin):
    list_display = ("activity_id", "noticed_at")


@admin.register(SentSummary)
class SentSummaryAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "week_start", "recipient", "sent_at")
    list_filter = ("cohort",)
    list_select_related = ("cohort",)
