from django.conf import settings

from portal.people import permissions


def portal(request):
    user = request.user
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav": {
            "dashboards": permissions.can_view_dashboards(user),
            "invite": permissions.can_invite_anywhere(user),
            "admin": permissions.is_admin(user),
        },
    }
