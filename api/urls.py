from django.urls import path

from . import dashboard
from .views import api

app_name = "apikeys"
urlpatterns = [
    path("dashboard/c/<slug:campaign_slug>/api/", dashboard.keys, name="dashboard"),
    path("dashboard/c/<slug:campaign_slug>/api/<uuid:key_uuid>/revoke/", dashboard.revoke, name="revoke"),
    path("dashboard/c/<slug:campaign_slug>/api/webhooks/", dashboard.add_webhook, name="add_webhook"),
    path(
        "dashboard/c/<slug:campaign_slug>/api/webhooks/<uuid:webhook_uuid>/disable/",
        dashboard.disable_webhook,
        name="disable_webhook",
    ),
]
api_urls = [path("api/", api.urls)]
