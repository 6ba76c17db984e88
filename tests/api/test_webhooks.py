"""Webhooks: signed deliveries through the outbox, retried until a receiver that was down gets each
event exactly once; nothing is sent on the request that caused the event."""

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api import webhooks
from api.models import Webhook
from events import services as event_services
from events.models import Attendee
from events.tokens import make_confirm_token as make_place_token
from outbox import sender
from outbox.models import OutboxMessage
from petitions import services as petition_services
from petitions import withdrawal
from petitions.tokens import make_confirm_token, make_withdraw_token
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_receiver(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    # The senders deliver (as in production), not the request's own commit.
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.OUTBOX_RETRY_SECONDS = 0.2
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.4


class Receiver:
    """A webhook receiver on a fixed port that verifies every signature, and can be down."""

    def __init__(self, secret: str):
        self.secret = secret
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.received: list[dict] = []
        self.forged = 0
        self.server = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fields = dict(part.split("=", 1) for part in self.headers["X-Campaign-Signature"].split(","))
                expected = hmac.new(
                    receiver.secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256
                ).hexdigest()
                if not hmac.compare_digest(expected, fields["v1"]):
                    receiver.forged += 1
                    self.send_response(400)
                else:
                    payload = json.loads(body)
                    assert payload["id"] == self.headers["X-Campaign-Delivery"]
                    receiver.received.append(payload)
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    made = []

    def make(secret):
        made.append(Receiver(secret))
        return made[-1]

    yield make
    for receiver in made:
        receiver.stop()


def cause_every_event(ours, writer):
    """Confirm a signature, withdraw another, sign someone up, cancel a place, record a donation."""
    pending = SignatureFactory(statement=ours.statement)
    petition_services.confirm(make_confirm_token(pending))
    withdrawal.withdraw(make_withdraw_token(ours.signature))
    result = event_services.sign_up(
        ours.event,
        {"name": "Rosa", "email": "rosa@example.org", "consent_contact": True},
        petition_services.RequestInfo(),
    )
    assert not result.refused
    # The place is Rosa's once she opens the link in her email.
    rosa = Attendee.objects.get(email_normalized="rosa@example.org")
    event_services.confirm_place(make_place_token(rosa))
    event_services.cancel(ours.attendee.pk)
    response = writer.post(
        f"/api/v1/fundraising_pages/{ours.fund.uuid}/donations", {"amount": "5", "method": "cheque"}
    )
    assert response.status_code == 201
    return pending


def test_a_receiver_that_was_down_gets_every_event_exactly_once(ours, writer, receiver):
    webhook = webhooks.create_webhook(
        ours.campaign, None, "http://placeholder.example/", list(webhooks.events.ALL)
    )
    down = receiver(webhook.secret)
    Webhook.objects.filter(pk=webhook.pk).update(url=down.url)
    confirmed = cause_every_event(ours, writer)
    rows = OutboxMessage.objects.filter(channel="webhook")
    assert rows.count() == 5
    # Nothing was sent on the requests that caused the events: the rows wait for a sender.
    assert set(rows.values_list("status", "attempts")) == {("pending", 0)}

    # Down for a while: two rounds of failed attempts, each pushed back by the outbox's backoff.
    for _ in range(2):
        time.sleep(0.5)
        sender.drain("webhook")
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert all(row.attempts >= 1 and row.last_error for row in rows)
    assert any("no answer" in row.last_error for row in rows)

    down.start()
    deadline = time.monotonic() + 10
    while rows.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.3)
        sender.drain("webhook")
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    sender.drain("webhook")  # and again: nothing is sent twice

    assert down.forged == 0
    assert len(down.received) == 5 and len({p["id"] for p in down.received}) == 5
    by_event = {p["event"]: p for p in down.received}
    assert set(by_event) == set(webhooks.events.ALL)
    assert by_event["signature.confirmed"]["data"]["identifiers"] == [f"campaign:{confirmed.uuid}"]
    # A withdrawn signature is reported by its id only: its personal data is gone.
    assert by_event["signature.withdrawn"]["data"] == {"identifiers": [f"campaign:{ours.signature.uuid}"]}
    assert by_event["attendee.cancelled"]["data"]["status"] == "declined"
    assert by_event["donation.recorded"]["data"]["amount"] == "5.00"


def test_a_webhook_gets_only_the_events_it_asked_for(ours, writer, receiver):
    webhooks.create_webhook(ours.campaign, None, "https://crm.example.org/hook", ["donation.recorded"])
    cause_every_event(ours, writer)
    assert list(OutboxMessage.objects.filter(channel="webhook").values_list("context__event", flat=True)) == [
        "donation.recorded"
    ]


def test_other_campaigns_webhooks_hear_nothing(ours, theirs, writer):
    webhooks.create_webhook(
        theirs.campaign, None, "https://theirs.example.org/hook", list(webhooks.events.ALL)
    )
    cause_every_event(ours, writer)
    assert not OutboxMessage.objects.filter(channel="webhook").exists()


def test_a_stopped_webhook_is_not_delivered_to(ours, writer, receiver):
    webhook = webhooks.create_webhook(
        ours.campaign, None, "https://crm.example.org/hook", list(webhooks.events.ALL)
    )
    ConfirmedSignatureFactory(statement=ours.statement)
    cause_every_event(ours, writer)
    webhooks.disable_webhook(webhook)
    sender.drain("webhook")
    assert set(OutboxMessage.objects.filter(channel="webhook").values_list("status", flat=True)) == {
        "dropped"
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.org/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://10.0.0.5/hook",
        "https://user:pass@crm.example.org/hook",
        "ftp://crm.example.org/",
        "javascript:alert(1)",
    ],
)
def test_it_refuses_addresses_that_are_not_public_https(ours, settings, url):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    assert webhooks.url_problem(url)


def test_a_name_resolving_to_a_private_address_is_refused_at_delivery(ours, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    webhook = webhooks.create_webhook(ours.campaign, None, "https://localhost/hook", ["donation.recorded"])
    assert webhook.pk
    ours.fund.refresh_from_db()
    from funds import services as fund_services

    fund_services.record_donation(ours.fund, None, amount="3", method="cheque")
    sender.drain("webhook")
    row = OutboxMessage.objects.get(channel="webhook")
    assert row.status == "failed" and "public" in row.last_error
