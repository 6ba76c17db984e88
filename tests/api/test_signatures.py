"""Signatures: what is shown, paging (numbers and cursors) and the modified_date filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.schemas import Collection, Signature
from petitions.models import Signature as SignatureRow
from petitions.withdrawal import anonymised_values
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def listed(reader, path="/api/v1/signatures", **params) -> list[str]:
    body = reader.get(path, **params).json()
    return [item["identifiers"][0] for item in body["_embedded"]["osdi:signatures"]]


def test_it_shows_a_signature_in_the_osdi_shape(ours, reader):
    body = reader.get(f"/api/v1/signatures/{ours.signature.uuid}").json()
    Signature.model_validate(body)
    assert body["identifiers"] == [f"campaign:{ours.signature.uuid}"]
    assert body["_links"]["osdi:petition"]["href"].endswith(f"/api/v1/petitions/{ours.statement.uuid}")
    assert "/api/v1/people/" in body["_links"]["osdi:person"]["href"]


def test_it_never_shows_ip_hashes_user_agents_or_emails(ours, reader):
    SignatureRow.objects.filter(pk=ours.signature.pk).update(
        ip_hash="f" * 64, user_agent="SecretBrowser/1.0", referrer="https://secret.example/"
    )
    text = reader.get("/api/v1/signatures").content.decode()
    text += reader.get(f"/api/v1/signatures/{ours.signature.uuid}").content.decode()
    for secret in ("f" * 64, "SecretBrowser", "secret.example", ours.signature.email, "ip_hash"):
        assert secret not in text


def test_it_links_no_person_when_the_signer_did_not_agree_to_be_contacted(ours, reader):
    quiet = ConfirmedSignatureFactory(statement=ours.statement, consent_contact=False)
    body = reader.get(f"/api/v1/signatures/{quiet.uuid}").json()
    assert "osdi:person" not in body["_links"]
    assert quiet.name not in reader.get(f"/api/v1/signatures/{quiet.uuid}").content.decode()


@pytest.mark.parametrize("status", ["pending", "held", "invalid", "fraudulent", "withdrawn"])
def test_it_shows_only_confirmed_signatures(ours, reader, status):
    other = SignatureFactory(statement=ours.statement, status=status)
    assert f"campaign:{other.uuid}" not in listed(reader)
    assert reader.get(f"/api/v1/signatures/{other.uuid}").status_code == 404


def test_a_withdrawn_signature_disappears(ours, reader):
    SignatureRow.objects.filter(pk=ours.signature.pk).update(status="withdrawn", **anonymised_values())
    assert listed(reader) == []
    assert reader.get(f"/api/v1/signatures/{ours.signature.uuid}").status_code == 404


def test_an_anonymised_signature_disappears(ours, reader):
    SignatureRow.objects.filter(pk=ours.signature.pk).update(**anonymised_values())
    assert listed(reader) == []


def test_it_pages_with_page_numbers_and_totals(ours, reader):
    for _ in range(6):
        ConfirmedSignatureFactory(statement=ours.statement)
    body = reader.get("/api/v1/signatures", per_page=3, page=2).json()
    Collection.model_validate(body)
    assert (body["page"], body["per_page"], body["total_records"], body["total_pages"]) == (2, 3, 7, 3)
    assert len(body["_embedded"]["osdi:signatures"]) == 3


def test_following_next_links_visits_every_signature_once_in_order(ours, reader):
    statement_two = ours.statement.__class__.objects.create(
        campaign=ours.campaign, slug="second", title="Second", body="b", status="open"
    )
    for index in range(9):
        ConfirmedSignatureFactory(statement=ours.statement if index % 2 else statement_two)
    seen, pages = [], []
    url = "/api/v1/signatures?per_page=4"
    while url:
        body = reader.client.get(url, headers={"OSDI-API-Token": reader.key}).json()
        pages.append((body["page"], body["total_pages"], body["total_records"]))
        seen += [
            (item["modified_date"], item["identifiers"][0]) for item in body["_embedded"]["osdi:signatures"]
        ]
        url = body["_links"].get("next", {}).get("href")
    assert len(seen) == 10 and len(set(seen)) == 10
    assert seen == sorted(seen)
    assert pages == [(1, 3, 10), (2, 3, 10), (3, 3, 10)]


def test_it_filters_on_modified_date(ours, reader):
    old = ConfirmedSignatureFactory(statement=ours.statement)
    SignatureRow.objects.filter(pk=old.pk).update(modified_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed(reader, filter=f"modified_date gt '{since}'") == [f"campaign:{ours.signature.uuid}"]
    assert listed(reader, filter=f"modified_date lt '{since}'") == [f"campaign:{old.uuid}"]
    day = (timezone.now() - timedelta(days=11)).date().isoformat()
    assert len(listed(reader, filter=f"modified_date ge '{day}' and modified_date le '{since}'")) == 1


def test_a_change_to_a_signature_moves_its_modified_date(ours, reader):
    before = ours.signature.modified_at
    # Any path that changes what the API shows (here an unsubscribe's bulk UPDATE) bumps it.
    SignatureRow.objects.filter(pk=ours.signature.pk).update(consent_contact=False)
    ours.signature.refresh_from_db()
    assert ours.signature.modified_at > before


def test_bookkeeping_updates_leave_the_modified_date(ours, reader):
    before = ours.signature.modified_at
    SignatureRow.objects.filter(pk=ours.signature.pk).update(counted=True, mails_requested=2)
    ours.signature.refresh_from_db()
    assert ours.signature.modified_at == before


@pytest.mark.parametrize(
    "bad",
    [
        "modified_date gt 'yesterday'",
        "modified_date gt '2026-13-45'",
        "email eq 'someone@example.org'",
        "modified_date gt '2026-01-01' or 1=1",
        "'; DROP TABLE petitions_signature; --",
        '=HYPERLINK("x")',
        "modified_date gt '" + "9" * 300 + "'",
    ],
)
def test_it_answers_400_to_a_bad_filter(ours, reader, bad):
    response = reader.get("/api/v1/signatures", filter=bad)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 0},
        {"per_page": 100000},
        {"page": 0},
        {"page": "two"},
        {"after": "forged"},
        {"after": "WyIyMDI2LTAxLTAxIiwiYWJjIiwxLDFd:1abc:xyz"},
    ],
)
def test_it_answers_400_to_bad_paging(ours, reader, params):
    assert reader.get("/api/v1/signatures", **params).status_code == 400


def test_deleted_signatures_lists_withdrawn_ones_by_identifier_only(ours, theirs, reader):
    SignatureRow.objects.filter(pk=ours.signature.pk).update(status="withdrawn", **anonymised_values())
    SignatureRow.objects.filter(pk=theirs.signature.pk).update(status="withdrawn", **anonymised_values())
    never_confirmed = SignatureFactory(statement=ours.statement, status="withdrawn")
    body = reader.get("/api/v1/deleted_signatures").json()
    items = body["_embedded"]["osdi:signatures"]
    assert [item["identifiers"] for item in items] == [[f"campaign:{ours.signature.uuid}"]]
    assert set(items[0]) == {"identifiers", "modified_date", "campaign:deleted", "_links"}
    assert f"campaign:{never_confirmed.uuid}" not in str(body)


def test_a_signature_superseded_by_the_same_persons_later_one_is_deleted(ours, reader):
    SignatureRow.objects.filter(pk=ours.signature.pk).update(status=SignatureRow.Status.SUPERSEDED)
    later = ConfirmedSignatureFactory(statement=ours.statement, email=ours.signature.email)
    assert listed(reader) == [f"campaign:{later.uuid}"]
    assert listed(reader, "/api/v1/deleted_signatures") == [f"campaign:{ours.signature.uuid}"]


@pytest.mark.parametrize(
    "params", [{"page": "1\x00"}, {"filter": "modified_date gt '2026-01-01\x00'"}, {"after": "\x00"}]
)
def test_nul_bytes_in_the_query_are_dropped_never_a_500(ours, reader, params):
    # campaign.middleware removes NULs from every query string before the API reads it.
    response = reader.get("/api/v1/signatures", **params)
    assert response.status_code in (200, 400)
    assert response.json()


def test_editing_an_event_moves_its_modified_date_but_its_tally_does_not(ours, reader):
    from events.models import Event

    before = reader.get(f"/api/v1/events/{ours.event.uuid}").json()["modified_date"]
    Event.objects.filter(pk=ours.event.pk).update(places_taken=5)
    assert reader.get(f"/api/v1/events/{ours.event.uuid}").json()["modified_date"] == before
    Event.objects.filter(pk=ours.event.pk).update(venue_name="Union hall")
    assert reader.get(f"/api/v1/events/{ours.event.uuid}").json()["modified_date"] > before
