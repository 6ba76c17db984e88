"""A fighting fund with a few donations, and a short link, for the demo campaign (idempotent)."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns.models import Campaign
from funds import services
from funds.models import Donation, Fund
from sharing.models import ShortLink

DONATIONS = [
    (Decimal("2000.00"), Donation.Method.BANK_TRANSFER, "TRF 0412", "Unite the Union, London region"),
    (Decimal("1000.00"), Donation.Method.CHEQUE, "CHQ 100233", "Peru Support Group"),
    (Decimal("526.00"), Donation.Method.COLLECTION, "Rally 12 May", ""),
]


class Command(BaseCommand):
    help = "Give the demo campaign a fighting fund, donations and the short link /s/democracy."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", default="democracy-now")

    def handle(self, *args, campaign, **options):
        campaign = Campaign.objects.get(slug=campaign)
        today = timezone.localdate()
        fund, _ = Fund.objects.update_or_create(
            campaign=campaign,
            defaults={
                "target": Decimal("18000"),
                "currency": "GBP",
                "deadline": today + datetime.timedelta(days=28),
                "time_zone": "America/Lima",
                "payment_url": "https://donate.example.org/democracy-now",
            },
        )
        if not fund.donations.exists():
            for amount, method, reference, donor in DONATIONS:
                services.record_donation(
                    fund,
                    None,
                    amount=amount,
                    method=method,
                    reference=reference,
                    donor_name=donor,
                    received_on=today - datetime.timedelta(days=3),
                )
        services.recount(fund.pk)
        statement = campaign.statements.public().first()
        if statement is not None and not ShortLink.objects.filter(slug="democracy").exists():
            ShortLink.objects.create(slug="democracy", statement=statement)
        fund.refresh_from_db()
        self.stdout.write(
            f"Demo fund ready: {fund.raised} of {fund.target} {fund.currency}; short link /s/democracy"
        )
