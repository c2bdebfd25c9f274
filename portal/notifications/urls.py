"""Notification pages, mounted at /notifications/ under the namespace "notifications"."""

from django.urls import path

from portal.notifications import views as views

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("latest/", views.dropdown, name="dropdown"),
    path("read-all/", views.mark_all_read, name="mark-all-read"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark-read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
