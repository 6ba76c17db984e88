"""One person, one signature: spellings of one mailbox sign once and count once (attacks over HTTP)."""

import re

import pytest
from django.core import mail

from petitions import services
from petitions.models import Signature

pytestmark = pytest.mark.django_db

URL = "/c/peru/statement/"


def _post(client, email, capture):
    data = {"name": "Ana Torres", "email": email, "country": "PE", "kind": "individual"}
    with capture(execute=True):
        return client.post(URL, data, REMOTE_ADDR="203.0.113.9")


def _click_every_link(client, capture):
    for message in list(mail.outbox):
        for path in re.findall(r"https?://[^/\s]+(/confirm/[^\s\"<]+)", message.body):
            with capture(execute=True):
                client.get(path)


def test_it_counts_gmail_spellings_of_one_mailbox_once(client, statement, django_capture_on_commit_callbacks):
    for email in ("a.b+1@gmail.com", "ab+2@gmail.com", "AB@googlemail.com"):
        assert _post(client, email, django_capture_on_commit_callbacks).status_code == 303
    _click_every_link(client, django_capture_on_commit_callbacks)
    services.tally(statement.pk)

    statement.refresh_from_db()
    assert statement.signature_count == 1
    assert Signature.objects.filter(status=Signature.Status.CONFIRMED).count() == 1


def test_it_keeps_the_address_as_typed_beside_the_canonical_one(
    client, statement, django_capture_on_commit_callbacks
):
    _post(client, "A.B+petitions@GoogleMail.com", django_capture_on_commit_callbacks)

    signature = Signature.objects.get()
    assert signature.email == "A.B+petitions@GoogleMail.com"
    assert signature.email_normalized == "ab@gmail.com"
    assert mail.outbox[0].to == ["A.B+petitions@GoogleMail.com"]
