from django.urls import path

from . import views

app_name = "organisers"
urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<uuid:invitation_uuid>/", views.accept_invitation, name="accept_invitation"),
    path("c/<slug:campaign_slug>/", views.campaign, name="campaign"),
    path("c/<slug:campaign_slug>/members/", views.members, name="members"),
    path(
        "c/<slug:campaign_slug>/members/<uuid:member_uuid>/remove/", views.remove_member, name="remove_member"
    ),
    path(
        "c/<slug:campaign_slug>/invitations/<uuid:invitation_uuid>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("c/<slug:campaign_slug>/exports/", views.export_log, name="export_log"),
    path("c/<slug:campaign_slug>/statements/new/", views.statement_create, name="statement_create"),
    path("c/<slug:campaign_slug>/s/<slug:statement_slug>/", views.statement, name="statement"),
    path("c/<slug:campaign_slug>/s/<slug:statement_slug>/edit/", views.statement_edit, name="statement_edit"),
    path("c/<slug:campaign_slug>/s/<slug:statement_slug>/export/", views.export, name="export"),
    path(
        "c/<slug:campaign_slug>/s/<slug:statement_slug>/signatories.csv",
        views.statement_export,
        name="statement_export",
    ),
    path(
        "c/<slug:campaign_slug>/s/<slug:statement_slug>/publication-list.csv",
        views.publication_list,
        {"fmt": "csv"},
        name="publication_list_csv",
    ),
    path(
        "c/<slug:campaign_slug>/s/<slug:statement_slug>/publication-list.txt",
        views.publication_list,
        {"fmt": "txt"},
        name="publication_list_text",
    ),
    path("c/<slug:campaign_slug>/s/<slug:statement_slug>/paper/", views.paper_import, name="paper_import"),
    path(
        "c/<slug:campaign_slug>/s/<slug:statement_slug>/paper/template.csv",
        views.paper_template,
        name="paper_template",
    ),
    path(
        "c/<slug:campaign_slug>/s/<slug:statement_slug>/paper/<uuid:batch_uuid>/delete/",
        views.paper_delete,
        name="paper_delete",
    ),
]
