"""The signers' mails as the outbox builds them when they go (petitions.emails)."""

import pytest
from django.core import mail, signing
from django.db import connection

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


def test_a_batch_of_confirmations_is_loaded_in_a_few_queries_whatever_its_size(
    statement, settings, django_assert_max_num_queries
):
    from outbox import sender
    from outbox.services import enqueue
    from petitions.models import StatementTranslation

    settings.OUTBOX_SEND_ON_COMMIT = False
    StatementTranslation.objects.create(statement=statement, language="es", title="Democracia para el Perú")
    ConfirmedSignatureFactory(statement=statement, email="ana@example.org")
    again = SignatureFactory(statement=statement, email="ana@example.org")
    spanish = [SignatureFactory(statement=statement, language="es") for _ in range(10)]
    english = [SignatureFactory(statement=statement, language="en") for _ in range(10)]
    for signature in [again, *spanish, *english]:
        enqueue("petitions.signature", signature.email, ref=signature.pk)

    # The claim (five statements in a test's transaction), the suppression list, the batch's
    # signatures, the addresses that signed already, per language (two) the statement and its and
    # its campaign's translations, and one "sent" mark per mail (on PostgreSQL one statement; elsewhere
    # a savepoint, the update and its release).
    marks = 21 if connection.vendor == "postgresql" else 3 * 21
    with django_assert_max_num_queries(5 + 1 + 1 + 1 + 2 * 3 + marks):
        assert sender.send_batch("s1") == 21

    by_address = {message.to[0]: message for message in mail.outbox}
    assert "already signed" in by_address["ana@example.org"].subject
    assert all(by_address[s.email].subject.startswith("Confirme su firma") for s in spanish)
    assert all("Democracia para el Perú" in by_address[s.email].body for s in spanish)
    assert all(by_address[s.email].subject.startswith("Please confirm") for s in english)
    assert all(f"{settings.SITE_URL}/confirm/" in by_address[s.email].body for s in english)
    assert len(mail.outbox) == 21


def test_mails_rendered_once_for_a_batch_read_as_each_signers_own(statement, monkeypatch):
    # A batch renders the templates once per statement, language and choices, and puts in each
    # signer's name, listing line and links: the mails are those rendered one by one.
    # The links carry the time they were signed: one second for every rendering compared here.
    stamp = signing.TimestampSigner().timestamp()
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: stamp)
    from petitions.emails import signature_message
    from petitions.models import StatementTranslation

    Statement.objects.filter(pk=statement.pk).update(listing_review=Statement.ListingReview.ORGANISATIONS)
    statement.refresh_from_db()
    StatementTranslation.objects.create(statement=statement, language="es", title="Democracia <para> el Perú")
    ConfirmedSignatureFactory(statement=statement, email="ana@example.org")
    signatures = [
        SignatureFactory(
            statement=statement,
            name=name,
            language=language,
            show_publicly=show,
            consent_contact=consent,
            kind=kind,
            organisation="Sindicato & Co <Lima>",
            location="Cusco",
        )
        for name, language, show, consent, kind in [
            ('Ana <b>María</b> & "Pepe" O\'Neil', "es", True, True, "organisation"),
            ("Ana María", "es", True, True, "organisation"),
            ("Zoë", "en", True, False, "individual"),
            ("Bob", "en", False, True, "individual"),
            ("Ñandú ${name} %(name)s {{ name }}", "en", True, True, "organisation"),
        ]
    ]
    signatures.append(SignatureFactory(statement=statement, email="ana@example.org", name="Ana again"))

    rendered = {}
    for signature in signatures:
        assert signature_message(signature, rendered=rendered) == signature_message(signature)
    assert len(rendered) < len(signatures)
    first = signature_message(signatures[0], rendered=rendered)
    assert "Ana &lt;b&gt;María&lt;/b&gt; &amp; &quot;Pepe&quot; O&#x27;Neil" in first.html
    assert 'Ana <b>María</b> & "Pepe" O\'Neil' in first.text
    assert "\x00" not in first.text + first.html + first.subject
