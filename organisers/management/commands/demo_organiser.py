"""The demo organiser: an owner of the demo campaign with a verified email. Safe to run again."""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.models import Campaign, Membership, Role

EMAIL = "organiser@example.org"
# Only with DJANGO_DEBUG (the embedded demo): a known password is fine on a laptop, never in production.
DEBUG_PASSWORD = "solidarity-demo"  # noqa: S105 - documented, debug mode only


class Command(BaseCommand):
    help = "Create (or refresh) the demo organiser, owner of the demo campaign, and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", default="democracy-now")
        parser.add_argument("--password", help="Password to set (default: a documented one in debug mode)")

    @transaction.atomic
    def handle(self, *args, campaign, password, **options):
        password = password or (DEBUG_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12))
        User = get_user_model()
        user = User.objects.filter(email__iexact=EMAIL).first()
        if user is None:
            user = User(username="demo-organiser", email=EMAIL)
        user.set_password(password)
        user.is_active = True
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=EMAIL, defaults={"verified": True, "primary": True}
        )
        demo_campaign = Campaign.objects.get(slug=campaign)
        Membership.objects.update_or_create(campaign=demo_campaign, user=user, defaults={"role": Role.OWNER})
        self.stdout.write(
            f"Demo organiser: sign in at {settings.SITE_URL}/accounts/login/ as {EMAIL} "
            f"with the password {password} (owner of “{demo_campaign.title}”)"
        )
