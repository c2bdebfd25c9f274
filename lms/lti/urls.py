from django.urls import path

from . import views

app_name = "lti"
urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.oidc_login, name="login"),
    path("login/<uuid:registration_uuid>/", views.oidc_login, name="login-registration"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", views.deep_link, name="deep-link"),
    path("link/<str:token>/", views.link, name="link"),
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/new/", views.platform_edit, name="platform-create"),
    path("platforms/<int:pk>/", views.platform_edit, name="platform-edit"),
    path("keys/rotate/", views.keys_rotate, name="keys-rotate"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/roster/", views.course_roster_sync, name="course-roster-sync"),
    path("courses/<int:pk>/goals/", views.course_publish_goals, name="course-publish-goals"),
    path("contexts/<int:pk>/link/", views.context_link, name="context-link"),
]
