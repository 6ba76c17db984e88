from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("c/<slug:campaign_slug>/fund/", views.fund, name="dashboard"),
    path("c/<slug:campaign_slug>/fund/settings/", views.fund_settings, name="settings"),
    path("c/<slug:campaign_slug>/fund/donations/", views.record, name="record"),
    path("c/<slug:campaign_slug>/fund/donations/<uuid:donation_uuid>/void/", views.void, name="void"),
]
