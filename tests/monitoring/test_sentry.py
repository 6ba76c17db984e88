"""Sentry events leave without signers' emails or IP addresses."""

import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from monitoring import sentry
from petitions import views as petition_views

EMAIL = "ana.torres@example.org"
IPS = ("203.0.113.9", "198.51.100.7", "2001:db8::1")


class Capture(Transport):
    """Keeps what the SDK would have sent, as the JSON it would have sent."""

    sent: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in {"event", "transaction"}:
                self.sent.append(json.loads(item.payload.get_bytes()))


@pytest.fixture
def sent_events():
    Capture.sent = []
    sentry.init("https://public@sentry.example/1", transport=Capture, traces_sample_rate=1.0)
    yield Capture.sent
    sentry_sdk.get_client().close()


def leaks(events) -> list[str]:
    text = json.dumps(events)
    return [secret for secret in (EMAIL, *IPS) if secret in text]


def test_an_error_while_signing_reaches_sentry_without_the_signers_email_or_ip(
    client, statement, sent_events, monkeypatch
):
    def fails(statement, data, info):
        # As a database error says it: the row's values are in the message.
        raise RuntimeError(f"Key (email_normalized)=({data['email']}) already exists; from {info}")

    monkeypatch.setattr(petition_views.services, "sign", fails)
    client.raise_request_exception = False

    response = client.post(
        "/c/peru/statement/",
        {"name": "Ana Torres", "email": EMAIL, "country": "PE", "kind": "individual", "website": ""},
        REMOTE_ADDR=IPS[0],
        HTTP_X_FORWARDED_FOR=f"{IPS[1]}, {IPS[2]}",
        HTTP_X_REAL_IP=IPS[1],
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    errors = [event for event in sent_events if event.get("exception")]
    assert errors, "the error reached Sentry"
    assert errors[0]["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "[email]" in errors[0]["exception"]["values"][-1]["value"]
    assert "ip_address" not in json.dumps(errors[0].get("user", {}))
    assert leaks(sent_events) == []


def test_an_error_log_reaches_sentry_without_the_email_or_ip(sent_events):
    logging.getLogger("petitions").error("mail to %s from %s refused", EMAIL, IPS[2])
    sentry_sdk.flush()

    assert [event["logentry"]["formatted"] for event in sent_events] == ["mail to [email] from [ip] refused"]
    assert leaks(sent_events) == []


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("to <ana+x@mail.example.org>, bo@example.co.uk", "to <[email]>, [email]"),
        ("from 203.0.113.9 via ::1 and fe80::1%eth0", "from [ip] via [ip] and [ip]"),
        ("at 19:24:18, version 1.2.3, id 12:ab", "at 19:24:18, version 1.2.3, id 12:ab"),
    ],
)
def test_it_scrubs_addresses_and_keeps_times_and_versions(text, scrubbed):
    assert sentry.scrub_text(text) == scrubbed
