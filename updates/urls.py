"""The one-click unsubscribe link of every update email, under unsubscribe/ (campaign/urls.py).

The namespace is updates, shared with the organisers' pages in updates/dashboard_urls.py.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.unsubscribe, name="unsubscribe"),
]
