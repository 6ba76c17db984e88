"""When a public listing is approved: organisations by a moderator, individuals per statement."""

import pytest

from petitions import services
from petitions.models import Signature
from petitions.tokens import make_confirm_token
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def pending(statement, **kwargs):
    kwargs.setdefault("show_publicly", True)
    kwargs.setdefault("listing", Signature.Listing.PENDING if kwargs["show_publicly"] else "none")
    return SignatureFactory(statement=statement, **kwargs)


def confirm(signature):
    services.confirm(make_confirm_token(signature))
    signature.refresh_from_db()
    return signature


def test_it_approves_an_individuals_listing_on_confirmation_by_default(statement):
    signature = confirm(pending(statement))

    assert signature.status == Signature.Status.CONFIRMED
    assert signature.listing == Signature.Listing.APPROVED


def test_it_keeps_an_individual_waiting_when_the_statement_reviews_individuals(statement):
    statement.auto_approve_individuals = False
    statement.save()

    signature = confirm(pending(statement))

    assert signature.listing == Signature.Listing.PENDING


def test_it_always_keeps_an_organisation_waiting_for_a_moderator(statement):
    signature = confirm(pending(statement, kind=Signature.Kind.ORGANISATION, organisation="Unite"))

    assert signature.listing == Signature.Listing.PENDING


def test_it_never_lists_someone_who_did_not_ask(statement):
    signature = confirm(pending(statement, show_publicly=False))

    assert signature.listing == Signature.Listing.NOT_REQUESTED
    assert not Signature.objects.publicly_listed().exists()


def test_it_keeps_a_moderators_decision_taken_before_confirmation(statement):
    signature = pending(statement, listing=Signature.Listing.REJECTED)

    assert confirm(signature).listing == Signature.Listing.REJECTED


def test_it_stores_a_new_listing_request_as_pending(client, statement):
    client.post(
        "/c/peru/statement/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "country": "PE",
            "kind": "individual",
            "show_publicly": "on",
        },
    )

    signature = Signature.objects.get()
    assert signature.listing == Signature.Listing.PENDING
    assert not Signature.objects.publicly_listed().exists()
