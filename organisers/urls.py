"""The dashboard, under dashboard/ (campaign/urls.py); the namespace is organisers."""

from django.urls import path

from . import views

CAMPAIGN = "c/<slug:campaign_slug>/"
STATEMENT = CAMPAIGN + "s/<slug:statement_slug>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<uuid:invitation_uuid>/", views.accept_invitation, name="accept_invitation"),
    path(CAMPAIGN, views.campaign, name="campaign"),
    path(CAMPAIGN + "members/", views.members, name="members"),
    path(CAMPAIGN + "members/<uuid:member_uuid>/remove/", views.remove_member, name="remove_member"),
    path(
        CAMPAIGN + "invitations/<uuid:invitation_uuid>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(CAMPAIGN + "exports/", views.export_log, name="export_log"),
    path(CAMPAIGN + "statements/new/", views.statement_create, name="statement_create"),
    path(STATEMENT, views.statement, name="statement"),
    path(STATEMENT + "edit/", views.statement_edit, name="statement_edit"),
    path(STATEMENT + "export/", views.export, name="export"),
    path(STATEMENT + "signatories.csv", views.statement_export, name="statement_export"),
    path(
        STATEMENT + "publication-list.csv",
        views.publication_list,
        {"fmt": "csv"},
        name="publication_list_csv",
    ),
    path(
        STATEMENT + "publication-list.txt",
        views.publication_list,
        {"fmt": "txt"},
        name="publication_list_text",
    ),
    path(STATEMENT + "paper/", views.paper_import, name="paper_import"),
    path(STATEMENT + "paper/template.csv", views.paper_template, name="paper_template"),
    path(STATEMENT + "paper/<uuid:batch_uuid>/delete/", views.paper_delete, name="paper_delete"),
]
