from django.urls import path

from . import views

app_name = "updates"
urlpatterns = [
    path("dashboard/c/<slug:campaign_slug>/updates/", views.update_list, name="list"),
    path(
        "dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/updates/new/",
        views.update_create,
        name="create",
    ),
    path("dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/", views.update_detail, name="detail"),
    path("dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/edit/", views.update_edit, name="edit"),
    path(
        "dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/test/",
        views.update_send_test,
        name="send_test",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/confirm/",
        views.update_confirm,
        name="confirm",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/confirm/email.html",
        views.update_preview_html,
        name="preview_html",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/approve/",
        views.update_approve,
        name="approve",
    ),
    path("dashboard/c/<slug:campaign_slug>/updates/<uuid:update_uuid>/send/", views.update_send, name="send"),
    path("dashboard/c/<slug:campaign_slug>/updates/policy/", views.update_policy, name="policy"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
