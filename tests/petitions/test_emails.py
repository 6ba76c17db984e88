"""The signers' mails as the outbox builds them when they go (petitions.emails)."""

import pytest
from django.core import mail

from outbox.models import OutboxMessage
from petitions.models import Statement
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, mail_through_outbox


def mail_for(signature):
    return mail_through_outbox("petitions.signature", signature.email, signature.pk)


def test_it_mails_a_pending_signature_its_confirmation_link(statement, settings):
    signature = SignatureFactory(statement=statement)

    assert mail_for(signature).status == OutboxMessage.Status.SENT

    (message,) = mail.outbox
    assert message.to == [signature.email]
    assert f"{settings.SITE_URL}/confirm/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_it_tells_a_new_submission_of_a_confirmed_address_it_has_already_signed(statement):
    ConfirmedSignatureFactory(statement=statement, email="ana@example.org")
    again = SignatureFactory(statement=statement, email="ana@example.org")

    mail_for(again)

    (message,) = mail.outbox
    assert "already signed" in message.subject
    assert "/confirm/" in message.body  # the owner may still choose this submission's choices


def test_it_drops_the_confirmation_once_the_statement_has_closed(statement):
    signature = SignatureFactory(statement=statement)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CLOSED)

    assert mail_for(signature).status == OutboxMessage.Status.DROPPED
    assert mail.outbox == []


@pytest.mark.parametrize("status", ["confirmed", "superseded", "withdrawn", "invalid", "fraudulent"])
def test_it_never_mails_a_submission_no_longer_waiting_for_its_owner(statement, status):
    signature = SignatureFactory(statement=statement, status=status)

    assert mail_for(signature).status == OutboxMessage.Status.DROPPED
    assert mail.outbox == []
