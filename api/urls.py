"""The API: its keys and webhooks for organisers, under dashboard/c/<campaign>/api/ (namespace
apikeys), and the API itself, under api/ (namespace api, django-ninja's); campaign/urls.py mounts both."""

from django.urls import path

from . import dashboard
from .views import api

urlpatterns = [
    path("", dashboard.keys, name="dashboard"),
    path("<uuid:key_uuid>/revoke/", dashboard.revoke, name="revoke"),
    path("webhooks/", dashboard.add_webhook, name="add_webhook"),
    path("webhooks/<uuid:webhook_uuid>/disable/", dashboard.disable_webhook, name="disable_webhook"),
]

# django-ninja's URLs carry their own namespace.
api_urls = api.urls
