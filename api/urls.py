from django.urls import path

from . import dashboard
from .views import api

app_name = "apikeys"
urlpatterns = [
    path("dashboard/c/<slug:campaign_slug>/api/", dashboard.keys, name="dashboard"),
    path("dashboard/c/<slug:campaign_slug>/api/<uuid:key_uuid>/revoke/", dashboard.revoke, name="revoke"),
]
api_urls = [path("api/", api.urls)]
