"""End to end: each kind of mail read as a provider reads it, from the bytes the SMTP server received.

Parsing a message decodes its headers, which hides an encoded List-Unsubscribe; so these tests
look at the raw bytes: unencoded unsubscribe headers, Message-IDs on the platform's domain,
Auto-Submitted, a DKIM signature that verifies and covers the unsubscribe headers, text parts
without Markdown or HTML.
"""

import re

import dkim
import pytest

from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory
from updates import services
from updates.models import Update

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BODY = """**Thousands of people** signed.

Join the [online rally](https://example.org/rally) on Saturday.

<script>alert(1)</script>
"""


def dkim_covered(mail) -> set[bytes]:
    signature = re.sub(rb"\s+", b"", mail.raw_header("DKIM-Signature"))
    return {name.lower() for name in re.search(rb"\bh=([^;]+)", signature).group(1).split(b":")}


def assert_sent_by_the_platform(e2e, mail):
    assert mail.raw_header("Auto-Submitted") == b"auto-generated"
    assert re.fullmatch(
        rb"<[^@\s]+@" + re.escape(e2e.stack.dkim.domain.encode()) + rb">", mail.raw_header("Message-ID")
    )
    assert dkim.verify(mail.raw, dnsfunc=e2e.stack.dkim.dns), "the DKIM signature does not verify"
    assert {b"from", b"subject", b"date", b"message-id"} <= dkim_covered(mail)


def assert_readable_text(mail):
    for markup in ("**", "](", "<p>", "<a ", "<script", "alert(1)"):
        assert markup not in mail.text, f"{markup!r} in the text part:\n{mail.text}"


def test_an_update_arrives_with_one_click_unsubscribe_signed_and_readable(e2e):
    statement = StatementFactory(campaign=CampaignFactory(slug="raw-update"), slug="raw")
    ConfirmedSignatureFactory(statement=statement, email="ana@example.org", name="Ana", consent_contact=True)
    update = Update.objects.create(statement=statement, subject="Next steps", body=BODY)

    assert services.start_sending(update)

    [mail] = e2e.mailbox.wait_for(1, to="ana@example.org")
    link = mail.raw_header("List-Unsubscribe")
    assert re.fullmatch(rb"<" + re.escape(e2e.site_url.encode()) + rb"/unsubscribe/[\w:-]+/>", link), link
    assert mail.raw_header("List-Unsubscribe-Post") == b"List-Unsubscribe=One-Click"
    assert_sent_by_the_platform(e2e, mail)
    assert {b"list-unsubscribe", b"list-unsubscribe-post"} <= dkim_covered(mail)
    assert_readable_text(mail)
    assert "Thousands of people signed." in mail.text
    assert "online rally (https://example.org/rally)" in mail.text


def test_a_signature_confirmation_arrives_signed_and_readable(e2e):
    statement = StatementFactory(campaign=CampaignFactory(slug="raw-sign"), slug="raw", body=BODY)
    browser = e2e.browser()
    form = browser.get(statement.get_absolute_url()).form("sign-form")
    fields = {"name": "Ana", "email": "ana@example.org", "kind": "individual", "country": "PE"}
    assert browser.post(form.action, form.submission(**fields)).status == 303

    [mail] = e2e.mailbox.wait_for(1, to="ana@example.org")
    assert_sent_by_the_platform(e2e, mail)
    assert_readable_text(mail)
