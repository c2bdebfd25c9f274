from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifications, delivery preferences, e-mail, digests and unsubscribe."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "portal.notifications.email_notification",
            "portal.notifications.send_digest",
            "portal.notifications.send_due_digests",
            "portal.notifications.send_email",
            "portal.notifications.sweep",
            "portal.tasks.send_invitation_email",
        }
    )

    def ready(self) -> None:
        # People's services announce follows and invitations through people's hooks (people never
        # import notifications: notifications build on people).
        from portal.people.hooks import register_follow_hook, register_invitation_hook

        from . import services

        register_follow_hook("notifications", services.new_follower_notify)
        register_invitation_hook("notifications", services.invitation_notify)
