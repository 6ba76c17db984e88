"""DKIM signatures made by the platform, verified by dkimpy with the published public key."""

import re

import dkim
import pytest
from django.core.mail import EmailMultiAlternatives

from outbox import dkim as outbox_dkim
from outbox import headers
from tests.factories import dkim_key

KEY = dkim_key(selector="mail", domain="campaign.example.org")


@pytest.fixture
def signing(settings):
    settings.DKIM_PRIVATE_KEY = KEY.private_pem
    settings.DKIM_SELECTOR = KEY.selector
    settings.DKIM_DOMAIN = KEY.domain


def raw_update() -> bytes:
    message = EmailMultiAlternatives(
        "Next steps",
        "Join the online rally (https://campaign.example.org/rally).",
        "Solidarity campaigns <no-reply@campaign.example.org>",
        ["ana@example.org"],
        headers=headers.unsubscribe_headers("https://campaign.example.org/unsubscribe/" + "a" * 90 + "/"),
    )
    return headers.as_bytes(headers.complete(message.message(policy=headers.POLICY)))


def signed_headers(raw: bytes) -> set[bytes]:
    signature = re.search(rb"^DKIM-Signature:(.*?)\r\n(?! )", raw, re.S | re.M).group(1)
    tags = re.search(rb"\bh=([^;]+)", re.sub(rb"\s+", b"", signature)).group(1)
    return {name.lower() for name in tags.split(b":")}


def test_it_signs_what_dkimpy_verifies_with_the_public_key(signing):
    signed = outbox_dkim.sign(raw_update())

    assert signed.startswith(b"DKIM-Signature: ")
    assert dkim.verify(signed, dnsfunc=KEY.dns)


def test_it_covers_the_unsubscribe_headers(signing):
    covered = signed_headers(outbox_dkim.sign(raw_update()))

    assert {
        b"from",
        b"subject",
        b"date",
        b"message-id",
        b"list-unsubscribe",
        b"list-unsubscribe-post",
    } <= covered


def test_a_changed_unsubscribe_header_breaks_the_signature(signing):
    signed = outbox_dkim.sign(raw_update())

    forged = signed.replace(b"unsubscribe/aaaa", b"unsubscribe/bbbb")

    assert forged != signed
    assert not dkim.verify(forged, dnsfunc=KEY.dns)


def test_it_accepts_the_key_written_on_one_line(settings, signing):
    settings.DKIM_PRIVATE_KEY = KEY.private_pem.replace("\n", "\\n")

    assert dkim.verify(outbox_dkim.sign(raw_update()), dnsfunc=KEY.dns)


def test_it_leaves_mail_unsigned_without_a_key(settings):
    settings.DKIM_PRIVATE_KEY = ""

    assert (
        outbox_dkim.sign(b"From: a@example.org\r\n\r\nHello\r\n") == b"From: a@example.org\r\n\r\nHello\r\n"
    )
