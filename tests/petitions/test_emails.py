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


def test_it_tells_a_confirmed_signer_they_have_already_signed(statement):
    signature = ConfirmedSignatureFactory(statement=statement)

    mail_for(signature)

    (message,) = mail.outbox
    assert "/confirm/" not in message.body
    assert "already" in message.subject.lower() or "already" in message.body.lower()


def test_it_drops_the_confirmation_once_the_statement_has_closed(statement):
    signature = SignatureFactory(statement=statement)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CLOSED)

    assert mail_for(signature).status == OutboxMessage.Status.DROPPED
    assert mail.outbox == []


@pytest.mark.parametrize("status", ["held", "withdrawn", "invalid", "fraudulent"])
def test_it_never_mails_a_signature_that_is_not_pending_or_confirmed(statement, status):
    signature = SignatureFactory(statement=statement, status=status)

    assert mail_for(signature).status == OutboxMessage.Status.DROPPED
    assert mail.outbox == []
