"""The public list of signatories: exactly what moderators approved, organisations first."""

import pytest

from petitions.models import Signature, Statement
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

URL = "/c/peru/statement/signatories/"
pytestmark = pytest.mark.django_db


def listed(statement, **kwargs):
    kwargs.setdefault("show_publicly", True)
    kwargs.setdefault("listing", Signature.Listing.APPROVED)
    return ConfirmedSignatureFactory(statement=statement, **kwargs)


def organisation(statement, organisation_name, **kwargs):
    return listed(statement, kind=Signature.Kind.ORGANISATION, organisation=organisation_name, **kwargs)


def names(response):
    return [s.organisation or s.name for s in response.context["page"].object_list]


def test_it_lists_only_approved_public_confirmed_signatures(client, statement):
    listed(statement, name="Shown Person")
    listed(statement, name="Pending Listing", listing=Signature.Listing.PENDING)
    listed(statement, name="Rejected Listing", listing=Signature.Listing.REJECTED)
    listed(statement, name="Hidden Listing", listing=Signature.Listing.HIDDEN)
    listed(statement, name="Private Choice", show_publicly=False)
    SignatureFactory(statement=statement, name="Unconfirmed", show_publicly=True, listing="approved")
    for status in ("held", "invalid", "fraudulent", "withdrawn"):
        SignatureFactory(
            statement=statement,
            name=f"Status {status}",
            status=status,
            show_publicly=True,
            listing="approved",
        )

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Shown Person"]
    html = response.content.decode()
    for hidden in (
        "Pending Listing",
        "Rejected Listing",
        "Hidden Listing",
        "Private Choice",
        "Unconfirmed",
        "Status held",
        "Status invalid",
        "Status fraudulent",
        "Status withdrawn",
    ):
        assert hidden not in html


def test_it_puts_organisations_first_and_notable_first_within_each_group(client, statement):
    listed(statement, name="Zoe Individual")
    listed(statement, name="Adam Individual")
    listed(statement, name="Notable Individual", notable=True)
    organisation(statement, "Bakers Union", name="B Signer", role="Secretary")
    organisation(statement, "Actors Guild", name="A Signer", role="Chair")
    organisation(statement, "Zebra Federation", name="Z Signer", role="President", notable=True)

    response = client.get(URL)

    assert names(response) == [
        "Zebra Federation",
        "Actors Guild",
        "Bakers Union",
        "Notable Individual",
        "Adam Individual",
        "Zoe Individual",
    ]
    html = response.content.decode()
    assert html.index("Organisations") < html.index("Individuals")
    assert "A Signer, Chair" in html


def test_it_shows_an_individuals_city_or_else_country_but_never_a_postcode(client, statement):
    listed(statement, name="City Person", location="Arequipa", country="PE")
    listed(statement, name="Postcode Person", location="SW1A 1AA", country="GB")

    html = client.get(URL).content.decode()

    assert "Arequipa" in html
    assert "SW1A" not in html
    assert "United Kingdom" in html


def test_it_counts_listed_organisations_and_individuals_and_the_total(client, statement):
    organisation(statement, "Union One")
    organisation(statement, "Union Two")
    listed(statement, name="Person One")
    Statement.objects.filter(pk=statement.pk).update(signature_count=1234)

    response = client.get(URL)

    assert response.context["organisations"] == 2
    assert response.context["individuals"] == 1
    html = response.content.decode()
    assert "2 organisations" in html
    assert "1 individual have signed publicly" in html
    assert "1234 signatures in total" in html


def test_it_searches_names_and_organisations(client, statement):
    organisation(statement, "Teachers Union of Lima", name="Rosa")
    listed(statement, name="Ana Teach")
    listed(statement, name="Someone Else")

    response = client.get(URL, {"q": "  teach "})

    assert names(response) == ["Teachers Union of Lima", "Ana Teach"]
    assert response.context["query"] == "teach"


@pytest.mark.parametrize("q", ["x" * 5000, "a\x00b", "%", "' OR 1=1 --"])
def test_it_answers_any_search_without_error(client, statement, q):
    listed(statement, name="Ana")

    response = client.get(URL, {"q": q})

    assert response.status_code == 200
    assert len(response.context["query"]) <= 100


@pytest.mark.parametrize("page", ["2", "999", "abc", "-1", ""])
def test_it_paginates_and_tolerates_any_page_number(client, statement, page):
    for i in range(105):
        listed(statement, name=f"Person {i:03}")

    response = client.get(URL, {"page": page})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) in (100, 5)


def test_it_is_linked_from_the_statement_page(client, statement):
    html = client.get("/c/peru/statement/").content.decode()

    assert 'href="/c/peru/statement/signatories/"' in html


def test_it_is_not_found_for_a_draft_statement(client, statement):
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.DRAFT)

    assert client.get(URL).status_code == 404


def test_it_lists_only_this_statements_signatories(client, statement):
    from tests.factories import StatementFactory

    other = StatementFactory(campaign=statement.campaign, slug="other")
    listed(other, name="Other Statement Signer")
    listed(statement, name="This Statement Signer")

    assert names(client.get(URL)) == ["This Statement Signer"]
