"""Signers' emails, IP hashes and consent never appear on a public page."""

import pytest
from django.core import mail

from petitions import services
from petitions.models import Signature, Statement
from petitions.tokens import make_confirm_token
from tests.factories import ConfirmedSignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(statement):
    made = [
        ConfirmedSignatureFactory(
            statement=statement,
            email=f"secret{i}@private-mail.example",
            email_normalized=f"secret{i}@private-mail.example",
            ip_hash=f"{i:064x}",
            consent_contact=True,
            consent_text="Yes, contact me",
            show_publicly=True,
            listing=Signature.Listing.APPROVED,
            kind=kind,
            organisation="Union" if kind == "organisation" else "",
            notable=i == 0,
        )
        for i, kind in enumerate(["individual", "organisation", "individual"])
    ]
    services.tally(statement.pk)
    return made


def public_pages(client, statement, signature):
    campaign = statement.campaign.slug
    urls = [
        "/",
        f"/c/{campaign}/",
        statement.get_absolute_url(),
        statement.get_absolute_url() + "count.json",
        statement.get_absolute_url() + "check-your-email/",
        statement.get_absolute_url() + "signatories/",
        statement.get_absolute_url() + "signatories/?q=secret",
        f"/confirm/{make_confirm_token(signature)}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_it_shows_no_email_ip_hash_or_consent_on_any_public_page(client, statement, signatures):
    assert Statement.objects.get(pk=statement.pk).signature_count == 3
    for url, html in public_pages(client, statement, signatures[0]):
        for signature in signatures:
            assert signature.email not in html, url
            assert signature.ip_hash not in html, url
        assert "Yes, contact me" not in html, url


def test_it_finds_nobody_by_searching_for_an_email(client, statement, signatures):
    response = client.get(
        statement.get_absolute_url() + "signatories/", {"q": "secret0@private-mail.example"}
    )

    assert list(response.context["page"].object_list) == []
    assert mail.outbox == []
