"""A campaign's public pages, under the campaign's address, and the link in the confirmation email.

campaign/urls.py says where each list lives (c/<campaign>/ and confirm/); the namespace is petitions.
"""

from django.urls import path

from . import views

# Under c/<slug:campaign_slug>/.
urlpatterns = [
    path("", views.campaign, name="campaign"),
    path("<slug:statement_slug>/", views.statement, name="statement"),
    path("<slug:statement_slug>/count.json", views.statement_count, name="statement_count"),
    path("<slug:statement_slug>/check-your-email/", views.check_email, name="check_email"),
    path("<slug:statement_slug>/signatories/", views.signatories, name="signatories"),
]

# Under confirm/.
confirm = [
    path("<str:token>/", views.confirm, name="confirm"),
]
