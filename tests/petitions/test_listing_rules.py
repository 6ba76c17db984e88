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
    statement.listing_review = "everyone"
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


def test_it_lists_an_organisation_on_confirmation_when_the_statement_reviews_nobody(statement):
    statement.listing_review = "none"
    statement.save()

    signature = confirm(pending(statement, kind=Signature.Kind.ORGANISATION, organisation="Unite"))

    assert signature.listing == Signature.Listing.APPROVED
    assert Signature.objects.publicly_listed().get() == signature


@pytest.mark.parametrize(
    ("review", "form_says", "list_says"),
    [
        (
            "organisations",
            "an organisation's name appears after a moderator",
            "organisations after a moderator",
        ),
        ("everyone", "your name appears after a moderator", "Names appear here after a moderator"),
        ("none", "your name appears once you confirm by email.", "once the signers confirm"),
    ],
)
def test_the_signing_form_and_the_list_say_what_happens(client, statement, review, form_says, list_says):
    statement.listing_review = review
    statement.save()

    form = client.get(statement.get_absolute_url()).content.decode()
    listing = client.get(f"{statement.get_absolute_url()}signatories/").content.decode()

    assert form_says in form.replace("&#x27;", "'")
    assert list_says in listing


def test_an_organiser_chooses_the_listing_review(client, statement):
    from campaigns.models import Membership, Role
    from tests.organisers.conftest import make_user

    user = make_user("owner@example.org")
    Membership.objects.create(campaign=statement.campaign, user=user, role=Role.OWNER)
    client.force_login(user)
    page = f"/dashboard/c/{statement.campaign.slug}/s/{statement.slug}/edit/"
    form = client.get(page).content.decode()
    assert "A moderator checks everyone before they are listed" in form

    response = client.post(
        page,
        {
            "title": statement.title,
            "body": statement.body,
            "status": "open",
            "listing_review": "everyone",
            "action": "save",
        },
    )

    assert response.status_code == 303
    statement.refresh_from_db()
    assert statement.listing_review == "everyone"
