"""Stripe's webhook, under funds/stripe/ (campaign/urls.py); the namespace is funds_public."""

from django.urls import path

from . import stripe

urlpatterns = [
    path("webhook/", stripe.webhook, name="stripe_webhook"),
]
