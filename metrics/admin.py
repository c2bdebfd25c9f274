from django.contrib import admin

from .models import Activity, RollupGap, RollupState, SentSummary


class ReadOnlyAdmin(admin.ModelAdmin):
    """Metrics rows are written by record() and the rollup only; the admin can look, never edit."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


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
