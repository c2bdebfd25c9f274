from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .views import health, home, media

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Protected media: the reverse proxy asks here before it sends a file (reliability/security work).
    path("_media-auth", media.media_auth, name="media-auth"),
    path("accounts/", include("portal.urls_accounts")),  # allauth.urls, its MFA views imported on first use
    path("people/", include(("portal.people.urls", "people"))),
    path("invitations/", include(("portal.people.urls_invitations", "invitations"))),
    path("notifications/", include(("portal.notifications.urls", "notifications"))),
    path("boards/", include("forums.urls")),
    path("blogs/", include("blogs.urls")),
    path("learn/", include("onboarding.urls")),
    path("dashboards/", include("metrics.urls")),
    path("facilitate/", include("onboarding.facilitation.urls")),
    path("lti/", include("lms.lti.urls")),  # lti: LTI 1.3 tool
    path("lms/", include("lms.urls")),  # xapi/calendars (lms.lti mounts under it)
    path("admin/", admin.site.urls),
]

# One search across boards, blogs and people (issue 17, engineer "week").
from .views import search as search_views  # noqa: E402

urlpatterns += [path("search/", search_views.search, name="search")]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns += [path("media/<path:path>", media.protected_serve)]

# Error pages in the portal's layout (reliability work; the CSRF one is settings.CSRF_FAILURE_VIEW).
handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
