from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("c/<slug:campaign_slug>/", views.campaign, name="campaign"),
    path("c/<slug:campaign_slug>/<slug:statement_slug>/", views.statement, name="statement"),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/count.json",
        views.statement_count,
        name="statement_count",
    ),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/check-your-email/",
        views.check_email,
        name="check_email",
    ),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/signatories/",
        views.signatories,
        name="signatories",
    ),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
