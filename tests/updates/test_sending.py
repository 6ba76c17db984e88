import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from outbox import sender
from outbox.models import OutboxMessage
from petitions.models import Signature
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, SignatureFactory, StatementFactory
from updates import services
from updates.models import Delivery, Update


def recipients_of(outbox):
    return sorted(message.to[0] for message in outbox)


def test_it_sends_only_to_confirmed_signers_who_consented(send_now, update, consenting, statement):
    yes = consenting(email="yes@example.org")
    ConfirmedSignatureFactory(statement=statement, consent_contact=False, email="no@example.org")
    SignatureFactory(statement=statement, consent_contact=True, email="pending@example.org")
    SignatureFactory(
        statement=statement, consent_contact=True, status=Signature.Status.WITHDRAWN, email="w@example.org"
    )
    SignatureFactory(
        statement=statement, consent_contact=True, status=Signature.Status.INVALID, email="i@example.org"
    )
    ConfirmedSignatureFactory(consent_contact=True, email="other-statement@example.org")

    assert send_now(update)

    assert recipients_of(mail.outbox) == [yes.email]
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    assert (update.recipients, update.sent_count, update.skipped_count) == (1, 1, 0)


def test_it_sends_in_batches_until_everyone_has_it(send_now, update, consenting, settings):
    settings.UPDATES_BATCH_SIZE = 3
    for _ in range(7):
        consenting()
    send_now(update)  # in-process mode: batches follow each other at once

    assert len(mail.outbox) == 7
    assert len(set(recipients_of(mail.outbox))) == 7
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()


def test_it_throttles_by_due_time_batch_by_batch(update, consenting, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False  # as with workers
    settings.UPDATES_BATCH_SIZE = 2
    for _ in range(5):
        consenting()

    services.start_sending(update)

    started = Update.objects.get(pk=update.pk).started_at
    offsets = sorted((row.due_at - started).total_seconds() for row in OutboxMessage.objects.all())
    assert offsets == [0, 0, 10, 10, 20]
    sender.drain()
    assert len(mail.outbox) == 2
    update.refresh_from_db()
    assert (update.status, update.sent_count) == (Update.Status.SENDING, 2)


def test_senders_running_again_send_nobody_twice(update, consenting):
    signers = [consenting() for _ in range(3)]
    services.start_sending(update)

    sender.drain()
    sender.drain()

    assert recipients_of(mail.outbox) == sorted(s.email for s in signers)
    update.refresh_from_db()
    assert (update.status, update.sent_count) == (Update.Status.SENT, 3)


def test_starting_twice_chooses_recipients_once(send_now, update, consenting):
    consenting()
    assert send_now(update)
    consenting()

    assert not send_now(update)

    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(update=update).count() == 1


def test_the_email_has_one_click_unsubscribe_headers_and_link(send_now, update, consenting):
    consenting(name="Ana")
    send_now(update)

    message = mail.outbox[0]
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/unsubscribe/" in header and header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in message.body
    assert url in message.alternatives[0].content
    assert "Dear Ana" in message.body
    assert "<strong>today</strong>" in message.alternatives[0].content


def test_a_signer_unsubscribed_from_the_campaign_is_left_out(send_now, update, consenting, statement):
    # Given someone who unsubscribed via an update about another statement of the same campaign
    other = ConfirmedSignatureFactory(
        statement=StatementFactory(campaign=statement.campaign), consent_contact=True, email="ana@example.org"
    )
    services.unsubscribe(str(other.uuid))
    consenting(email="ANA@example.org")
    stays = consenting()

    send_now(update)

    assert recipients_of(mail.outbox) == [stays.email]


def test_an_unsubscribe_from_another_campaign_does_not_count(send_now, update, consenting):
    elsewhere = ConfirmedSignatureFactory(
        statement=StatementFactory(campaign=CampaignFactory()), consent_contact=True, email="ana@example.org"
    )
    services.unsubscribe(str(elsewhere.uuid))
    ana = consenting(email="ana@example.org")
    send_now(update)

    assert recipients_of(mail.outbox) == [ana.email]


def test_someone_who_unsubscribes_during_the_sending_is_skipped(update, consenting):
    first, second = consenting(), consenting()
    services.start_sending(update)  # frozen; no sender has run yet
    services.unsubscribe(str(second.uuid))

    sender.drain()

    assert recipients_of(mail.outbox) == [first.email]
    update.refresh_from_db()
    assert (update.sent_count, update.skipped_count, update.status) == (1, 1, Update.Status.SENT)
    assert update.progress_percent == 100


def test_an_address_that_bounced_is_skipped(send_now, update, consenting):
    from outbox.suppression import suppress

    kept, bounced = consenting(), consenting()
    suppress(bounced.email.upper(), "bounce", esp="Postmark")

    send_now(update)

    assert recipients_of(mail.outbox) == [kept.email]
    update.refresh_from_db()
    assert (update.sent_count, update.skipped_count) == (1, 1)


def test_the_test_email_goes_to_the_organiser_only(update, consenting, alice):
    consenting()
    services.send_test(update, alice)
    sender.drain()

    assert recipients_of(mail.outbox) == ["alice@example.org"]
    assert mail.outbox[0].subject.startswith("[Test]")
    assert not Delivery.objects.exists()
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_send_each_recipient_once():
    # Given an update to 40 signers, frozen but not yet sent
    statement = StatementFactory()
    for _ in range(40):
        ConfirmedSignatureFactory(statement=statement, consent_contact=True)
    update = Update.objects.create(statement=statement, subject="S", body="B")
    with override_settings(OUTBOX_SEND_ON_COMMIT=False, UPDATES_BATCH_SECONDS=0):
        services.start_sending(update)
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait(timeout=10)
            sender.drain()
        finally:
            connection.close()

    # When four senders run at once
    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then every signer got exactly one email
    assert len(mail.outbox) == 40
    assert len(set(recipients_of(mail.outbox))) == 40
    update.refresh_from_db()
    assert (update.sent_count, update.status) == (40, Update.Status.SENT)
