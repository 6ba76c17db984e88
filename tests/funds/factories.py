import datetime
from decimal import Decimal

import factory

from funds.models import Donation, Fund
from tests.factories import CampaignFactory


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    campaign = factory.SubFactory(CampaignFactory)
    target = Decimal("18000")
    currency = "GBP"
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=28))
    time_zone = "Europe/London"
    payment_url = "https://donate.example.org/peru"


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    fund = factory.SubFactory(FundFactory)
    amount = Decimal("25.00")
    method = Donation.Method.BANK_TRANSFER
    reference = factory.Sequence(lambda n: f"REF{n}")
