"""A statement's sharing page for organisers, under dashboard/c/<campaign>/s/<statement>/sharing/
(campaign/urls.py)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.sharing, name="dashboard"),
    path("links/", dashboard.add_short_link, name="add_short_link"),
    path("links/<slug:slug>/remove/", dashboard.remove_short_link, name="remove_short_link"),
]
