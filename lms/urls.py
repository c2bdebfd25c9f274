"""The learning stack's pages (mounted under /lms/). lms.lti adds its own include here."""

from django.urls import path

from .views import calendars, xapi

app_name = "lms"

urlpatterns = [
    path("xapi/", xapi.xapi_page, name="xapi"),
    path("xapi/send/", xapi.xapi_send_now, name="xapi-send"),
    path("calendar/<str:token>/keystone.ics", calendars.calendar_feed, name="calendar-feed"),
    path("sessions/<int:pk>/session.ics", calendars.session_ics, name="session-ics"),
]
