"""The organisers' update pages: a campaign's under dashboard/c/<campaign>/updates/, writing one
to a statement's signers under dashboard/c/<campaign>/s/<statement>/updates/ (campaign/urls.py)."""

from django.urls import path

from . import views

UPDATE = "<uuid:update_uuid>/"
urlpatterns = [
    path("", views.update_list, name="list"),
    path(UPDATE, views.update_detail, name="detail"),
    path(UPDATE + "edit/", views.update_edit, name="edit"),
    path(UPDATE + "test/", views.update_send_test, name="send_test"),
    path(UPDATE + "confirm/", views.update_confirm, name="confirm"),
    path(UPDATE + "confirm/email.html", views.update_preview_html, name="preview_html"),
    path(UPDATE + "approve/", views.update_approve, name="approve"),
    path(UPDATE + "send/", views.update_send, name="send"),
    path("policy/", views.update_policy, name="policy"),
]

# Under dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/updates/.
statement = [
    path("new/", views.update_create, name="create"),
]
