from django.urls import path

from portal.lazyviews import lazy_view

app_name = "lti"
urlpatterns = [
    path("jwks/", lazy_view("lms.lti.views.jwks"), name="jwks"),
    path("login/", lazy_view("lms.lti.views.oidc_login", csrf_exempt=True), name="login"),
    path(
        "login/<uuid:registration_uuid>/",
        lazy_view("lms.lti.views.oidc_login", csrf_exempt=True),
        name="login-registration",
    ),
    path("launch/", lazy_view("lms.lti.views.launch", csrf_exempt=True), name="launch"),
    path("deep-link/", lazy_view("lms.lti.views.deep_link"), name="deep-link"),
    path("link/<str:token>/", lazy_view("lms.lti.views.link"), name="link"),
    path("platforms/", lazy_view("lms.lti.views.platform_list"), name="platforms"),
    path("platforms/new/", lazy_view("lms.lti.views.platform_edit"), name="platform-create"),
    path("platforms/<int:pk>/", lazy_view("lms.lti.views.platform_edit"), name="platform-edit"),
    path("keys/rotate/", lazy_view("lms.lti.views.keys_rotate"), name="keys-rotate"),
    path("courses/", lazy_view("lms.lti.views.course_list"), name="courses"),
    path("courses/<int:pk>/", lazy_view("lms.lti.views.course_detail"), name="course"),
    path("courses/<int:pk>/roster/", lazy_view("lms.lti.views.course_roster_sync"), name="course-roster-sync"),
    path("courses/<int:pk>/goals/", lazy_view("lms.lti.views.course_publish_goals"), name="course-publish-goals"),
    path("contexts/<int:pk>/link/", lazy_view("lms.lti.views.context_link"), name="context-link"),
]
