"""Every resource is reached only with a key of its own campaign; keys are checked on each request."""

import pytest

from api import keys
from api.models import ApiKeyUse
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def resource_paths(world) -> list[str]:
    return [
        f"/api/v1/petitions/{world.statement.uuid}",
        f"/api/v1/petitions/{world.statement.uuid}/signatures",
        f"/api/v1/signatures/{world.signature.uuid}",
        f"/api/v1/events/{world.event.uuid}",
        f"/api/v1/events/{world.event.uuid}/attendances",
        f"/api/v1/attendances/{world.attendee.uuid}",
        f"/api/v1/fundraising_pages/{world.fund.uuid}",
        f"/api/v1/fundraising_pages/{world.fund.uuid}/donations",
        f"/api/v1/donations/{world.donation.uuid}",
    ]


def test_it_serves_every_resource_of_the_keys_campaign(ours, reader):
    for path in resource_paths(ours):
        response = reader.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/hal+json"


def test_it_answers_404_for_every_resource_of_another_campaign(ours, theirs, reader):
    for path in resource_paths(theirs):
        assert reader.get(path).status_code == 404, path


def test_it_answers_404_for_another_campaigns_person(ours, theirs, reader):
    their_person = ApiClient(keys.create_key(theirs.campaign, None, "theirs", "read").raw)
    people = their_person.get("/api/v1/people").json()["_embedded"]["osdi:people"]
    assert people
    for person in people:
        assert reader.get(person["_links"]["self"]["href"]).status_code == 404


COLLECTIONS = ("petitions", "signatures", "people", "events", "attendances", "fundraising_pages", "donations")


def test_it_lists_nothing_of_another_campaign(ours, theirs, reader):
    their_rows = (
        theirs.statement,
        theirs.signature,
        theirs.event,
        theirs.attendee,
        theirs.fund,
        theirs.donation,
    )
    theirs_ids = {f"campaign:{obj.uuid}" for obj in their_rows}
    for collection in COLLECTIONS:
        body = reader.get(f"/api/v1/{collection}").json()
        listed = {i for item in body["_embedded"][f"osdi:{collection}"] for i in item["identifiers"]}
        assert listed and not listed & theirs_ids, collection


def test_it_refuses_writes_to_another_campaign(ours, theirs, writer):
    signature = {"person": {"given_name": "Ana", "email_address": "ana@example.org", "country": "PE"}}
    assert writer.post(f"/api/v1/petitions/{theirs.statement.uuid}/signatures", signature).status_code == 404
    assert writer.put(f"/api/v1/attendances/{theirs.attendee.uuid}", {"attended": True}).status_code == 404
    donation = {"amount": "10.00", "method": "cheque"}
    assert writer.post(f"/api/v1/fundraising_pages/{theirs.fund.uuid}/donations", donation).status_code == 404
    assert not theirs.statement.signatures.filter(email="ana@example.org").exists()


def test_it_refuses_writes_with_a_read_only_key(ours, reader):
    signature = {"person": {"given_name": "Ana", "email_address": "ana@example.org", "country": "PE"}}
    assert reader.post(f"/api/v1/petitions/{ours.statement.uuid}/signatures", signature).status_code == 403
    assert reader.put(f"/api/v1/attendances/{ours.attendee.uuid}", {"attended": True}).status_code == 403
    donation = {"amount": "10.00", "method": "cheque"}
    assert reader.post(f"/api/v1/fundraising_pages/{ours.fund.uuid}/donations", donation).status_code == 403
    assert not ours.statement.signatures.filter(email="ana@example.org").exists()
    assert ours.fund.donations.count() == 1
    ours.attendee.refresh_from_db()
    assert ours.attendee.attended_at is None


def test_it_answers_401_to_a_revoked_key(ours, read_key, reader):
    key = keys.key_for(read_key)
    keys.revoke_key(key, None)
    for path in ["/api/v1/", *resource_paths(ours)]:
        assert reader.get(path).status_code == 401, path


@pytest.mark.parametrize(
    "forged",
    [None, "", "cpk_", "cpk_" + "A" * 43, "not-a-key", "cpk_\x00abc", "cpk_" + "x" * 5000, "ünïcødé"],
)
def test_it_answers_401_to_missing_and_forged_keys(ours, forged):
    client = ApiClient(forged)
    assert client.get("/api/v1/").status_code == 401
    assert client.get(f"/api/v1/signatures/{ours.signature.uuid}").status_code == 401


def test_it_logs_each_use_of_a_key_with_its_answer(ours, read_key, reader):
    reader.get("/api/v1/signatures")
    reader.get("/api/v1/signatures/00000000-0000-4000-8000-000000000000")
    uses = list(ApiKeyUse.objects.order_by("at").values_list("method", "path", "status"))
    assert uses == [
        ("GET", "/api/v1/signatures", 200),
        ("GET", "/api/v1/signatures/00000000-0000-4000-8000-000000000000", 404),
    ]
    assert keys.key_for(read_key).last_used_at is not None


def test_a_burst_of_forged_keys_gets_401s_and_leaves_no_trace(ours):
    import secrets

    for _ in range(200):
        client = ApiClient("cpk_" + secrets.token_urlsafe(32))
        assert client.get(f"/api/v1/signatures/{ours.signature.uuid}").status_code == 401
    assert not ApiKeyUse.objects.exists()


def test_a_burst_of_other_campaigns_ids_gets_404s(ours, theirs, reader):
    paths = resource_paths(theirs) * 20
    assert {reader.get(path).status_code for path in paths} == {404}
