"""End to end: sign over HTTP, get the confirmation over SMTP, confirm, and see the count grow.

Runs against gunicorn, a Celery worker, Redis, PostgreSQL and an SMTP catcher: see conftest.py.
"""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import enqueue
from petitions.models import Signature
from tests.factories import CampaignFactory, SignatureFactory, StatementFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Not ASCII, so the subject and both parts go through the mail server encoded.
TITLE = "Democracia para el Perú"


@pytest.fixture
def statement():
    campaign = CampaignFactory(slug="peru", title="Solidarity with Peru")
    return StatementFactory(campaign=campaign, slug="democracia", title=TITLE)


def count(browser, statement) -> int:
    response = browser.get(statement.get_absolute_url() + "count.json")
    assert response.status == 200
    return response.json()["signature_count"]


def sign(browser, statement, **values):
    """Open the statement page and submit its form, as a person without JavaScript would."""
    page = browser.get(statement.get_absolute_url())
    assert page.status == 200
    form = page.form("sign-form")
    assert form.method == "post"
    # The same page for everyone, so shared caches keep it: no cookie, no token; the POST's Origin
    # says it comes from our page.
    assert not browser.cookie("csrftoken"), "the statement page set a CSRF cookie"
    assert "public" in page.headers["Cache-Control"]
    fields = {"kind": "individual", "country": "PE", **values}
    return browser.post(form.action, form.submission(**fields))


def confirm_link(e2e, mail) -> str:
    links = mail.links(f"{e2e.site_url}/confirm/")
    assert len(links) == 1, f"expected one confirmation link in:\n{mail.text}"
    assert f'href="{links[0]}"' in mail.html
    return links[0]


def test_it_signs_confirms_and_counts_one_signature(e2e, statement):
    browser = e2e.browser()
    check_email_url = statement.get_absolute_url() + "check-your-email/"
    assert count(browser, statement) == 0

    # When Ana signs through the form
    response = sign(
        browser,
        statement,
        name="Ana Torres",
        email="ana@example.org",
        show_publicly=True,
        consent_contact=True,
    )

    # Then she is sent to "check your email", and a pending signature is stored
    assert response.status == 303
    assert response.location == check_email_url
    page = browser.get(response.location)
    assert page.status == 200
    assert "Check your email" in page.body
    signature = Signature.objects.get(statement=statement)
    assert signature.status == Signature.Status.PENDING
    assert (signature.email, signature.country, signature.name) == ("ana@example.org", "PE", "Ana Torres")
    assert signature.show_publicly and signature.consent_contact and signature.consent_text
    assert len(signature.ip_hash) == 64 and "127.0.0.1" not in signature.ip_hash

    # And the worker mails her a confirmation over SMTP
    (mail,) = e2e.mailbox.wait_for(1, to="ana@example.org")
    assert TITLE in mail.subject
    assert TITLE in mail.text and TITLE in mail.html
    link = confirm_link(e2e, mail)

    # When she opens the link (from her mail client: no cookies)
    thanks = e2e.browser().get(link)

    # Then she is thanked and the signature is confirmed, but not yet counted
    assert thanks.status == 200
    assert "your signature is confirmed" in thanks.body
    assert f"{e2e.site_url}{statement.get_absolute_url()}" in thanks.body  # the link to share
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    confirmed_at = signature.confirmed_at
    assert count(browser, statement) == 0

    # When the tally runs on the worker, the public count goes up by exactly one
    e2e.tally()
    assert count(browser, statement) == 1

    # Opening the link again (or a mail scanner prefetching it) changes nothing
    again = e2e.browser().get(link)
    assert again.status == 200
    e2e.tally()
    assert count(browser, statement) == 1
    signature.refresh_from_db()
    assert signature.confirmed_at == confirmed_at
    assert len(e2e.mailbox.mails) == 1


def test_it_mails_a_repeat_signer_again_and_counts_them_once(e2e, statement):
    browser = e2e.browser()
    first = sign(browser, statement, name="Luis Quispe", email="luis@example.org")
    (first_mail,) = e2e.mailbox.wait_for(1, to="luis@example.org")

    # When Luis signs again, his address typed differently
    again = sign(e2e.browser(), statement, name="Luis Q.", email="  LUIS@Example.ORG ")

    # Then he gets the same answer, and a second mail with its own link, to the address as typed
    assert (
        (again.status, again.location)
        == (first.status, first.location)
        == (303, statement.get_absolute_url() + "check-your-email/")
    )
    (second_mail,) = e2e.mailbox.wait_for(1, to="LUIS@Example.ORG")
    assert TITLE in second_mail.subject
    first_link, second_link = confirm_link(e2e, first_mail), confirm_link(e2e, second_mail)
    assert first_link != second_link
    # Each submission's mail carries a Message-ID made from its own outbox row
    rows = OutboxMessage.objects.filter(kind="petitions.signature")
    e2e.wait_until(lambda: rows.filter(status="sent").count() == 2, what="both mails marked sent")
    assert {m.message["Message-ID"] for m in (first_mail, second_mail)} == {
        f"<{row.uuid}@{e2e.stack.dkim.domain}>" for row in rows
    }

    # Each link confirms its own submission's choices; the address is confirmed once
    assert e2e.browser().get(second_link).status == 200
    confirmed = Signature.objects.get(statement=statement, status=Signature.Status.CONFIRMED)
    assert confirmed.name == "Luis Q."
    assert e2e.browser().get(first_link).status == 200
    confirmed = Signature.objects.get(statement=statement, status=Signature.Status.CONFIRMED)
    assert confirmed.name == "Luis Quispe"

    # When he signs once more, confirmed: a "you have already signed" mail that offers the new choices
    sign(e2e.browser(), statement, name="Luis", email="Luis@example.org")
    (third_mail,) = e2e.mailbox.wait_for(1, to="Luis@example.org")
    assert "already signed" in third_mail.subject and TITLE in third_mail.subject
    assert third_mail.links(f"{e2e.site_url}/confirm/")
    assert third_mail.html
    assert Signature.objects.filter(statement=statement, status=Signature.Status.CONFIRMED).count() == 1
    e2e.tally()
    assert count(browser, statement) == 1


def test_a_mail_due_in_the_outbox_goes_out_exactly_once_with_a_working_link(e2e, statement):
    # Given a signature whose confirmation has been due for ten minutes (no sender was running)
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    lost = SignatureFactory(statement=statement, email="lost@example.org", created_at=ten_minutes_ago)
    row = enqueue("petitions.signature", lost.email, ref=lost.pk, due_at=ten_minutes_ago)
    # And one whose mail was sent already (one transaction: the running sender never sees it due)
    mailed = SignatureFactory(statement=statement, email="mailed@example.org", created_at=ten_minutes_ago)
    with transaction.atomic():
        enqueue("petitions.signature", mailed.email, ref=mailed.pk, due_at=ten_minutes_ago)
        OutboxMessage.objects.filter(ref=str(mailed.pk)).update(status="sent", sent_at=ten_minutes_ago)

    # When the stack's sender finds it
    (mail,) = e2e.mailbox.wait_for(1, to="lost@example.org")
    e2e.wait_until(lambda: OutboxMessage.objects.get(pk=row.pk).status == "sent", what="the mail marked sent")
    time.sleep(1)  # a few more polls: anything sent twice would arrive now

    # Then exactly one mail went out, to the lost signature, with a working link
    assert [m.recipients for m in e2e.mailbox.mails] == [["lost@example.org"]]
    assert TITLE in mail.subject
    assert e2e.browser().get(confirm_link(e2e, mail)).status == 200
    lost.refresh_from_db()
    assert lost.status == Signature.Status.CONFIRMED
