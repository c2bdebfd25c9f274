from django.contrib import admin

from .models import XapiCursor, XapiGap


@admin.register(XapiCursor)
class XapiCursorAdmin(admin.ModelAdmin):
    """Read-only: the cursor moves only through lms.xapi.services (the portal page is at /lms/xapi/)."""

    list_display = ("name", "last_activity_id", "sent_total", "consecutive_failures", "last_success_at")
    readonly_fields = [f.name for f in XapiCursor._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(XapiGap)
class XapiGapAdmin(admin.ModelAdmin):
    list_display = ("activity_id", "noticed_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
