"""The privacy policy, under privacy/, and the withdrawal link of every signer's email, under
withdraw/ (campaign/urls.py); the namespace is privacy."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.policy, name="policy"),
]

withdraw = [
    path("<str:token>/", views.withdraw, name="withdraw"),
]
