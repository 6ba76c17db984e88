import factory
from django.utils import timezone

from petitions.models import Campaign, Signature, Statement


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = factory.Sequence(lambda n: f"Solidarity campaign {n}")
    summary = "Stand with the people."


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"statement-{n}")
    title = "Stop the repression"
    body = "We, the undersigned, **stand in solidarity**."
    status = Statement.Status.OPEN
    target = 1000


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    statement = factory.SubFactory(StatementFactory)
    name = factory.Sequence(lambda n: f"Signer {n}")
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    email_normalized = factory.LazyAttribute(lambda o: o.email.strip().lower())
    country = "GB"


class ConfirmedSignatureFactory(SignatureFactory):
    status = Signature.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    mails_sent = 1
