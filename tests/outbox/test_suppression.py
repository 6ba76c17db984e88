"""Bounces and complaints from a provider's webhook: the address gets no further mail of any kind."""

import base64
import json

import pytest
from django.core import mail

from outbox import sender
from outbox.models import OutboxMessage, Suppression
from outbox.services import enqueue, statement_mail_stats
from outbox.suppression import counts, suppressed_reasons
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory
from updates.models import Unsubscribe

pytestmark = pytest.mark.django_db

SECRET = "hooks:s3cret-webhook-password"
WEBHOOK = "/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """EMAIL_URL=anymail-test://: anymail's test backend, which keeps what it sends in mail.outbox."""
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def postmark(client, record_type, bounce_type, address, *, auth=SECRET):
    event = {
        "RecordType": record_type,
        "Type": bounce_type,
        "Email": address,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "BouncedAt": "2026-11-30T19:33:54.9070259Z",
        "Description": "The server was unable to deliver your message",
        "Details": f"smtp;550 5.1.1 The email account that you tried to reach does not exist: {address}",
    }
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return client.post(WEBHOOK, json.dumps(event), content_type="application/json", **headers)


def note(to, ref="1"):
    return enqueue("tests.note", to, ref=ref)


def test_a_bounce_webhook_stops_all_further_mail_to_the_address(client):
    note("gone@example.org")
    sender.drain()
    assert [m.to for m in mail.outbox] == [["gone@example.org"]]

    response = postmark(client, "Bounce", "HardBounce", "gone@example.org")
    later = note("Gone@Example.org", ref="2")  # the same mailbox, however it is typed
    other = note("here@example.org", ref="3")
    sender.drain()

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["gone@example.org"], ["here@example.org"]]
    later.refresh_from_db()
    assert later.status == OutboxMessage.Status.DROPPED
    assert later.last_error == "suppressed: bounce"
    other.refresh_from_db()
    assert other.status == OutboxMessage.Status.SENT


def test_the_list_keeps_no_address(client):
    postmark(client, "Bounce", "HardBounce", "gone@example.org")

    entry = Suppression.objects.get()
    assert (entry.reason, entry.esp) == ("bounce", "Postmark")
    assert "gone" not in json.dumps(list(Suppression.objects.values()), default=str)
    assert suppressed_reasons(["gone@example.org", "x@example.org"]) == {"gone@example.org": "bounce"}


def test_a_complaint_suppresses_and_unsubscribes_from_every_campaign(client, statement):
    signature = ConfirmedSignatureFactory(statement=statement, email="ana@example.org", consent_contact=True)

    response = postmark(client, "SpamComplaint", "SpamComplaint", "ana@example.org")

    assert response.status_code == 200
    assert Suppression.objects.get().reason == "complaint"
    signature.refresh_from_db()
    assert signature.consent_contact is False
    assert Unsubscribe.objects.filter(campaign=statement.campaign).count() == 1


def test_a_complaint_after_a_bounce_is_kept_as_a_complaint(client):
    postmark(client, "Bounce", "HardBounce", "ana@example.org")
    postmark(client, "SpamComplaint", "SpamComplaint", "ana@example.org")
    postmark(client, "Bounce", "HardBounce", "ana@example.org")

    assert counts() == {"bounce": 0, "complaint": 1}


@pytest.mark.parametrize("bounce_type", ["Transient", "DnsError", "VirusNotification", "AutoResponder"])
def test_a_temporary_or_unrelated_event_suppresses_nothing(client, bounce_type):
    response = postmark(client, "Bounce", bounce_type, "ana@example.org")

    assert response.status_code == 200
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("auth", [None, "hooks:wrong", "hooks:s3cret-webhook-passwordx"])
def test_a_forged_webhook_suppresses_nothing(client, auth):
    response = postmark(client, "Bounce", "HardBounce", "victim@example.org", auth=auth)

    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_without_a_webhook_secret_the_webhooks_do_not_exist(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}

    response = postmark(client, "Bounce", "HardBounce", "victim@example.org", auth=None)

    assert response.status_code == 404
    assert not Suppression.objects.exists()


def test_a_statements_mail_stats_count_the_suppressed(client, statement):
    postmark(client, "Bounce", "HardBounce", "gone@example.org")
    enqueue("tests.note", "gone@example.org", statement_id=statement.pk)
    enqueue("tests.note", "here@example.org", statement_id=statement.pk)
    sender.drain()

    stats = statement_mail_stats([statement.pk])[statement.pk]

    assert (stats["sent"], stats["suppressed"], stats["failed"]) == (1, 1, 0)
    assert Signature.objects.count() == 0
