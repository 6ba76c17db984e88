"""An event's public page, under its campaign's events, and the attendee's links from the emails.

campaign/urls.py says where each list lives (c/<campaign>/events/ and my-place/); the namespace is
events, shared with the organisers' pages in events/dashboard_urls.py.
"""

from django.urls import path

from . import views

# Under c/<slug:campaign_slug>/events/.
urlpatterns = [
    path("<slug:event_slug>/", views.event, name="event"),
    path("<slug:event_slug>/check-your-email/", views.check_email, name="check_email"),
]

# Under my-place/: the links in the confirmation and reminder emails.
attendee = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("<str:token>/", views.attendee, name="attendee"),
    path("<str:token>/calendar.ics", views.attendee_ics, name="attendee_ics"),
    path("<str:token>/cancel/", views.attendee_cancel, name="attendee_cancel"),
]
