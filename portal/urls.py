from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from .views import health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("people/", include(("portal.urls_people", "people"))),
    path("invitations/", include(("portal.urls_invitations", "invitations"))),
    path("notifications/", include(("portal.urls_notifications", "notifications"))),
    path("boards/", include("forums.urls")),
    path("blogs/", include("blogs.urls")),
    path("learn/", include("onboarding.urls")),
    path("dashboards/", include("metrics.urls")),
    path("facilitate/", include("onboarding.facilitation.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
