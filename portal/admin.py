"""The one read-only admin base every app's admin builds on."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are written by services only (activity log, sanitising, counters, audit); the admin looks them up.

    Nobody adds or changes a row here. Deleting is refused too unless the app says otherwise
    (``allow_delete = True``), e.g. clearing old notifications.
    """

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)
