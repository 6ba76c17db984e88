"""The fighting fund's organiser pages, under dashboard/c/<campaign>/fund/ (campaign/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.fund, name="dashboard"),
    path("settings/", views.fund_settings, name="settings"),
    path("donations/", views.record, name="record"),
    path("donations/<uuid:donation_uuid>/void/", views.void, name="void"),
]
