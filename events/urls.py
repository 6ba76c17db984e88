from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("c/<slug:campaign_slug>/events/<slug:event_slug>/", views.event, name="event"),
    path(
        "c/<slug:campaign_slug>/events/<slug:event_slug>/check-your-email/",
        views.check_email,
        name="check_email",
    ),
    path("my-place/<str:token>/", views.attendee, name="attendee"),
    path("my-place/<str:token>/calendar.ics", views.attendee_ics, name="attendee_ics"),
    path("my-place/<str:token>/cancel/", views.attendee_cancel, name="attendee_cancel"),
]
