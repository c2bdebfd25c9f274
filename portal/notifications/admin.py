"""Admin for notification delivery: see what was e-mailed, stop mail to bounced addresses, resend."""

from django.contrib import admin, messages

from portal.admin import ReadOnlyAdmin as BaseReadOnlyAdmin
from portal.notifications import services as svc
from portal.notifications.models import DigestRun, EmailDelivery, Notification, UndeliverableAddress


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    allow_delete = True  # as before the shared base: admins may delete these rows


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to_email", "kind", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "key", "subject")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]
    actions = ["mark_undeliverable", "send_again"]

    @admin.action(description="Mark these recipients' addresses undeliverable (no more e-mail to them)")
    def mark_undeliverable(self, request, queryset):
        emails = sorted({e.lower() for e in queryset.values_list("to_email", flat=True)})
        for email in emails:
            svc.undeliverable_mark(actor=request.user, email=email, reason="Marked from an e-mail delivery by an admin")
        self.message_user(request, f"{len(emails)} address(es) marked undeliverable.", messages.SUCCESS)

    @admin.action(description="Try failed or waiting e-mails again now")
    def send_again(self, request, queryset):
        count = svc.email_deliveries_requeue(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} e-mail(s) queued again; sent ones are never resent.", messages.SUCCESS)


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "marked_by", "marked_at")
    search_fields = ("email",)
    fields = ("email", "reason")
    actions = ["allow_again"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = svc.undeliverable_mark(actor=request.user, email=obj.email, reason=obj.reason)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc.undeliverable_clear(email=obj.email)

    def delete_queryset(self, request, queryset):
        for email in queryset.values_list("email", flat=True):
            svc.undeliverable_clear(email=email)

    @admin.action(description="Allow e-mail to these addresses again")
    def allow_again(self, request, queryset):
        emails = list(queryset.values_list("email", flat=True))
        for email in emails:
            svc.undeliverable_clear(email=email)
        self.message_user(request, f"E-mail allowed again for {len(emails)} address(es).", messages.SUCCESS)


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ("period_start", "kind", "user", "item_count", "delivery", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    list_select_related = ("user", "user__profile", "delivery")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("updated_at", "recipient", "event", "text", "count", "read_at")
    list_filter = ("event",)
    search_fields = ("recipient__email", "text")
    list_select_related = ("recipient", "recipient__profile")
