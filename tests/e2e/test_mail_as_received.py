"""End to end: each kind of mail read as a provider reads it, from the bytes the SMTP server received.

Parsing a message decodes its headers, which hides an encoded List-Unsubscribe; so these tests
look at the raw bytes: unencoded unsubscribe headers, Message-IDs on the platform's domain,
Auto-Submitted, a DKIM signature that verifies and covers the unsubscribe headers, text parts
without Markdown or HTML, and calendar invitations that a second parser reads.
"""

import re

import dkim
import pytest
import vobject

from events import services as events_services
from outbox.services import enqueue
from tests.events.factories import AttendeeFactory, EventFactory
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


def test_an_event_invitation_arrives_as_a_calendar_request_then_a_cancel(e2e):
    event = EventFactory(campaign=CampaignFactory(slug="raw-event"), slug="rally", description=BODY)
    ana = AttendeeFactory(event=event, name="Ana", email="ana@example.org")
    enqueue("events.attendee", ana.email, ref=ana.pk)

    [invitation] = e2e.mailbox.wait_for(1, to="ana@example.org")
    assert_sent_by_the_platform(e2e, invitation)
    assert_readable_text(invitation)
    request = calendar_in(invitation, "REQUEST")
    assert request.vevent.organizer.value == f"mailto:no-reply@{e2e.stack.dkim.domain}"
    assert request.vevent.attendee.value == "mailto:ana@example.org"

    events_services.cancel(ana.pk)

    cancel_mail = e2e.mailbox.wait_for(2, to="ana@example.org")[-1]
    assert_sent_by_the_platform(e2e, cancel_mail)
    cancel = calendar_in(cancel_mail, "CANCEL")
    assert cancel.vevent.uid.value == request.vevent.uid.value
    assert int(cancel.vevent.sequence.value) > int(request.vevent.sequence.value)


def calendar_in(mail, method: str):
    """The .ics as sent (its part's header read raw), parsed by a second parser (vobject)."""
    content_type = b'Content-Type: text/calendar; method="' + method.encode() + b'"; charset="utf-8"\r\n'
    assert content_type in mail.raw
    [part] = [p for p in mail.message.iter_attachments() if p.get_content_type() == "text/calendar"]
    parsed = vobject.readOne(part.get_payload(decode=True).decode())
    assert parsed.method.value == method
    return parsed
