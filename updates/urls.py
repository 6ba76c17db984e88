from django.urls import path

from . import views

app_name = "updates"

# Organisers' pages, inside the dashboard's address space.
DASHBOARD = "dashboard/c/<slug:campaign_slug>/updates/"
UPDATE = DASHBOARD + "<uuid:update_uuid>/"
urlpatterns = [
    path(DASHBOARD, views.update_list, name="list"),
    path(
        "dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/updates/new/",
        views.update_create,
        name="create",
    ),
    path(UPDATE, views.update_detail, name="detail"),
    path(UPDATE + "edit/", views.update_edit, name="edit"),
    path(UPDATE + "test/", views.update_send_test, name="send_test"),
    path(UPDATE + "confirm/", views.update_confirm, name="confirm"),
    path(UPDATE + "confirm/email.html", views.update_preview_html, name="preview_html"),
    path(UPDATE + "approve/", views.update_approve, name="approve"),
    path(UPDATE + "send/", views.update_send, name="send"),
    path(DASHBOARD + "policy/", views.update_policy, name="policy"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
