"""Invitations (URL names under ``invitations:``)."""

from django.urls import path

from portal.people.views import invitations as views

urlpatterns = [
    path("", views.create, name="create"),
    path("upload/", views.upload, name="upload"),
    path("template.csv", views.csv_template, name="csv-template"),
    path("cohorts/<slug:slug>/", views.cohort_list, name="cohort"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    # Last: a token is one path segment and must not shadow the names above.
    path("<str:token>/", views.accept, name="accept"),
]
