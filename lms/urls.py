"""The learning stack's pages (mounted under /lms/). lms.lti adds its own include here."""

from django.urls import path

from portal.lazyviews import lazy_view

app_name = "lms"

urlpatterns = [
    path("xapi/", lazy_view("lms.views.xapi.xapi_page"), name="xapi"),
    path("xapi/send/", lazy_view("lms.views.xapi.xapi_send_now"), name="xapi-send"),
    path("calendar/<str:token>/keystone.ics", lazy_view("lms.views.calendars.calendar_feed"), name="calendar-feed"),
    path("sessions/<int:pk>/session.ics", lazy_view("lms.views.calendars.session_ics"), name="session-ics"),
]
