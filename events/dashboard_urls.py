"""The organisers' event pages, under dashboard/c/<campaign>/events/ (campaign/urls.py)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.event_list, name="dashboard"),
    path("new/", dashboard.event_create, name="dashboard_create"),
    path("<slug:event_slug>/", dashboard.event_detail, name="dashboard_event"),
    path("<slug:event_slug>/edit/", dashboard.event_edit, name="dashboard_edit"),
    path("<slug:event_slug>/cancel/", dashboard.event_cancel, name="dashboard_cancel"),
    path("<slug:event_slug>/attendees.csv", dashboard.attendee_export, name="dashboard_export"),
    path("<slug:event_slug>/check-in/", dashboard.checkin, name="dashboard_checkin"),
    path(
        "<slug:event_slug>/check-in/<uuid:attendee_uuid>/",
        dashboard.checkin_mark,
        name="dashboard_checkin_mark",
    ),
]
