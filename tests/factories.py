import base64
from dataclasses import dataclass

import factory
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from campaigns.models import Campaign
from petitions.models import Signature, Statement


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


@dataclass(frozen=True)
class DkimKey:
    """A DKIM key pair: the PEM private key and the TXT record a domain would publish for it."""

    selector: str
    domain: str
    private_pem: str
    dns_record: bytes

    def dns(self, name: bytes, timeout: int = 5) -> bytes:
        """dkimpy's DNS lookup, answered for this key's record only."""
        return self.dns_record if name == f"{self.selector}._domainkey.{self.domain}.".encode() else b""


def dkim_key(selector: str = "mail", domain: str = "campaign.example.org") -> DkimKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DkimKey(selector, domain, private.decode(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(public))


def mail_through_outbox(kind: str, to: str, ref, **fields):
    """Owe `to` a mail of `kind` as the app would, run a sender, and return the row as it ended."""
    from outbox import sender
    from outbox.services import enqueue

    row = enqueue(kind, to, ref=ref, **fields)
    sender.drain()
    row.refresh_from_db()
    return row
