"""Two campaigns with one of everything each, and keys: read and write for "ours", read for "theirs"."""

from dataclasses import dataclass

import pytest
from django.test import Client

from api import keys
from api.models import ApiKey
from tests.events.factories import AttendeeFactory, EventFactory
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory
from tests.funds.factories import DonationFactory, FundFactory

# The dashboard's people (alice owns the campaign, bob organises it, charlie owns other_campaign),
# and the cache emptied around each test (signing's rate limits live there).
from tests.organisers.conftest import _empty_cache, alice, bob, charlie, other_campaign  # noqa: F401


@dataclass
class World:
    campaign: object
    statement: object
    signature: object
    event: object
    attendee: object
    fund: object
    donation: object


def build_world(campaign, statement) -> World:
    event = EventFactory(campaign=campaign)
    fund = FundFactory(campaign=campaign)
    return World(
        campaign=campaign,
        statement=statement,
        signature=ConfirmedSignatureFactory(statement=statement, consent_contact=True, consent_text="Yes"),
        event=event,
        attendee=AttendeeFactory(event=event, consent_contact=True),
        fund=fund,
        donation=DonationFactory(fund=fund),
    )


@pytest.fixture
def ours(campaign, statement) -> World:
    return build_world(campaign, statement)


@pytest.fixture
def theirs(db) -> World:
    campaign = CampaignFactory(slug="other", title="Another campaign")
    return build_world(campaign, StatementFactory(campaign=campaign, slug="other-statement"))


@pytest.fixture
def read_key(ours) -> str:
    return keys.create_key(ours.campaign, None, "CRM sync", ApiKey.Scope.READ).raw


@pytest.fixture
def write_key(ours) -> str:
    return keys.create_key(ours.campaign, None, "Stall tablet", ApiKey.Scope.WRITE).raw


class ApiClient:
    """Requests to the API with a key in the OSDI-API-Token header, as any OSDI client sends it."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.key = key

    def _headers(self):
        return {"OSDI-API-Token": self.key} if self.key is not None else {}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self._headers())

    def post(self, path, data):
        return self.client.post(path, data, content_type="application/json", headers=self._headers())

    def put(self, path, data):
        return self.client.put(path, data, content_type="application/json", headers=self._headers())


@pytest.fixture
def reader(read_key) -> ApiClient:
    return ApiClient(read_key)


@pytest.fixture
def writer(write_key) -> ApiClient:
    return ApiClient(write_key)
