from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "cohort", "management_level")
    list_filter = ("verb", "cohort", "management_level")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "cohort")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
