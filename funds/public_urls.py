from django.urls import path

from . import stripe

app_name = "funds_public"
urlpatterns = [
    path("funds/stripe/webhook/", stripe.webhook, name="stripe_webhook"),
]
