from django.urls import path

from . import dashboard, views

app_name = "events"
urlpatterns = [
    path("c/<slug:campaign_slug>/events/<slug:event_slug>/", views.event, name="event"),
    path(
        "c/<slug:campaign_slug>/events/<slug:event_slug>/check-your-email/",
        views.check_email,
        name="check_email",
    ),
    path("my-place/confirm/<str:token>/", views.confirm, name="confirm"),
    path("my-place/<str:token>/", views.attendee, name="attendee"),
    path("my-place/<str:token>/calendar.ics", views.attendee_ics, name="attendee_ics"),
    path("my-place/<str:token>/cancel/", views.attendee_cancel, name="attendee_cancel"),
]

# Organisers' pages, inside the dashboard's address space.
DASHBOARD = "dashboard/c/<slug:campaign_slug>/events/"
urlpatterns += [
    path(DASHBOARD, dashboard.event_list, name="dashboard"),
    path(DASHBOARD + "new/", dashboard.event_create, name="dashboard_create"),
    path(DASHBOARD + "<slug:event_slug>/", dashboard.event_detail, name="dashboard_event"),
    path(DASHBOARD + "<slug:event_slug>/edit/", dashboard.event_edit, name="dashboard_edit"),
    path(DASHBOARD + "<slug:event_slug>/cancel/", dashboard.event_cancel, name="dashboard_cancel"),
    path(DASHBOARD + "<slug:event_slug>/attendees.csv", dashboard.attendee_export, name="dashboard_export"),
    path(DASHBOARD + "<slug:event_slug>/check-in/", dashboard.checkin, name="dashboard_checkin"),
    path(
        DASHBOARD + "<slug:event_slug>/check-in/<uuid:attendee_uuid>/",
        dashboard.checkin_mark,
        name="dashboard_checkin_mark",
    ),
]
