"""Headers as providers read them: the bytes Django's SMTP backend would send, and the bytes ours sends."""

import email.policy
import re
import uuid

import pytest
from django.core.mail import EmailMultiAlternatives, mailers

from outbox import headers
from tests.e2e.conftest import Mailbox, free_port

UNSUBSCRIBE = "https://campaign.example.org/unsubscribe/" + "Ik1ZWFhNzc2LTg0ZjQtNDk" * 5 + "/"


@pytest.fixture
def smtp(settings):
    """An SMTP server on a free port, and the platform's backend pointed at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "outbox.backends.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.SITE_URL = "https://campaign.example.org"
    settings.DEFAULT_FROM_EMAIL = "Solidarity campaigns <no-reply@mail.example.org>"
    try:
        yield mailbox
    finally:
        controller.stop()


def send(**kwargs):
    message = EmailMultiAlternatives(
        kwargs.pop("subject", "Next steps"), "Hello", to=["ana@example.org"], **kwargs
    )
    message.attach_alternative("<p>Hello</p>", "text/html")
    mailers.default.send_messages([message])


def test_it_shows_what_the_stock_smtp_policy_does_to_a_long_unsubscribe_header():
    # The problem this module exists for: the library encodes a long header it cannot fold.
    message = EmailMultiAlternatives(
        "s", "b", to=["a@example.org"], headers=headers.unsubscribe_headers(UNSUBSCRIBE)
    )
    assert b"=?utf-8?q?" in message.message(policy=email.policy.SMTP).as_bytes()


def test_it_sends_list_unsubscribe_unencoded_byte_for_byte(smtp):
    send(headers=headers.unsubscribe_headers(UNSUBSCRIBE))

    [mail] = smtp.mails
    assert f"List-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode() in mail.raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in mail.raw
    assert b"=?" not in mail.raw_header("List-Unsubscribe")


def test_it_folds_list_unsubscribe_only_after_the_comma():
    value = headers.list_unsubscribe(UNSUBSCRIBE, "mailto:unsubscribe@campaign.example.org")
    message = EmailMultiAlternatives("s", "b", to=["a@example.org"], headers={"List-Unsubscribe": value})

    raw = headers.as_bytes(message.message(policy=headers.POLICY))

    expected = f"List-Unsubscribe: <{UNSUBSCRIBE}>,\r\n <mailto:unsubscribe@campaign.example.org>\r\n"
    assert expected.encode() in raw


def test_it_refuses_a_uri_that_would_break_the_header():
    with pytest.raises(ValueError):
        headers.list_unsubscribe("https://campaign.example.org/u/>\r\nBcc: victim@example.org")


def test_it_makes_message_ids_on_the_site_domain(smtp):
    send()

    [mail] = smtp.mails
    assert re.fullmatch(rb"<[0-9a-f-]{36}@campaign\.example\.org>", mail.raw_header("Message-ID"))


def test_it_keeps_a_message_id_the_caller_chose(smtp):
    chosen = headers.make_message_id(uuid.UUID(int=7))
    send(headers={"Message-ID": chosen})

    [mail] = smtp.mails
    assert mail.raw_header("Message-ID") == chosen.encode()
    assert chosen == "<00000000-0000-0000-0000-000000000007@campaign.example.org>"


def test_it_takes_the_sender_domain_when_the_site_has_an_ip_address(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.DEFAULT_FROM_EMAIL = "Solidarity campaigns <no-reply@mail.example.org>"

    assert headers.mail_domain() == "mail.example.org"


def test_it_marks_every_mail_auto_generated(smtp):
    send(subject="Confirm your signature")

    [mail] = smtp.mails
    assert mail.raw_header("Auto-Submitted") == b"auto-generated"


def test_headers_parsed_once_for_many_messages_give_the_same_bytes(monkeypatch):
    # The sender, the subject and the parts' types are parsed and folded once (outbox.headers);
    # a message built with them is byte for byte one built from scratch.
    import random

    def build():
        random.seed(1)  # the same multipart boundary
        message = EmailMultiAlternatives(
            "Bitte bestätigen Sie Ihre Unterschrift: " + "ein langer Titel " * 6,
            "Héllo\n" * 30,
            "Solidarity campaigns <no-reply@mail.example.org>",
            to=["Zoë Ñandú <ana@example.org>"],
            headers={
                "Date": "Tue, 01 Dec 2026 02:57:06 +0000",
                "Message-ID": headers.make_message_id(uuid.UUID(int=7)),
                **headers.unsubscribe_headers(UNSUBSCRIBE),
            },
        )
        message.attach_alternative("<p>Héllo</p>" * 40, "text/html")
        return headers.as_bytes(message.message(policy=headers.POLICY))

    built = [build() for _ in range(3)]
    monkeypatch.setattr(headers, "_REPEATING", set())

    assert built == [build()] * 3
    assert b"Subject: Bitte =?utf-8?q?best=C3=A4tigen?= Sie Ihre Unterschrift:" in built[0]


def test_multipart_boundaries_made_from_the_message_id_are_distinct_and_absent_from_the_parts():
    row = uuid.UUID("4f1c2b3a-0000-4000-8000-00000000abcd")
    text = "plain --===============4f1c2b3a00004000800000000000abcd.1== line\n"
    message = EmailMultiAlternatives(
        "Confirm", text, "a@example.org", ["b@x.org"], headers={"Message-ID": headers.make_message_id(row)}
    )
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach("note.txt", "an attachment", "text/plain")
    mime = headers.complete(message.message(policy=headers.POLICY), message.extra_headers)

    raw = headers.as_bytes(mime, message_id=mime["Message-ID"])

    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    boundaries = [part.get_boundary() for part in parsed.walk() if part.is_multipart()]
    assert len(boundaries) == len(set(boundaries)) == 2
    # The inner part's (made first) would be in its text: the library draws one for it instead.
    assert boundaries[0] == "===============4f1c2b3a00004000800000000000abcd.2=="
    assert boundaries[1] != "===============4f1c2b3a00004000800000000000abcd.1=="
    assert parsed.get_body(("plain",)).get_content().startswith("plain --====")
    assert parsed.get_body(("html",)).get_content().strip() == "<p>html</p>"
    assert raw == headers.as_bytes(mime, message_id=mime["Message-ID"])


@pytest.mark.parametrize(
    "address",
    ["zoe@example.org", "A+tag_1.x@Sub.Example-1.ORG", "o'neil@x.org", "a..b@x.org", "a@-x.org", "a@x"],
)
def test_a_plain_address_is_prepared_as_djangos_backend_prepares_it(address):
    from django.core.mail.backends.smtp import EmailBackend

    from outbox.backends import SMTPBackend

    backend = SMTPBackend.__new__(SMTPBackend)
    try:
        expected = EmailBackend.prep_address(backend, address)
    except ValueError:
        with pytest.raises(ValueError):
            backend.prep_address(address)
    else:
        assert backend.prep_address(address) == expected
