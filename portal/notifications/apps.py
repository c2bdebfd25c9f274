from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifications, delivery preferences, e-mail, digests and unsubscribe."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # People's services announce follows and invitations through people's hooks (people never
        # import notifications: notifications build on people).
        from portal.people.hooks import register_follow_hook, register_invitation_hook

        from . import services

        register_follow_hook("notifications", services.new_follower_notify)
        register_invitation_hook("notifications", services.invitation_notify)
