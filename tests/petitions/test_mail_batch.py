"""Due confirmations sent in batches over one mail connection."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from petitions import services
from petitions.models import Signature
from tests.factories import SignatureFactory


class CountingBackend(EmailBackend):
    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


def test_it_sends_every_due_mail_of_a_batch(statement):
    pending = SignatureFactory.create_batch(3, statement=statement)

    sent = services.send_signature_mails([s.pk for s in pending])

    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in pending)
    assert not Signature.objects.filter(mails_sent=0).exists()


def test_it_opens_one_mail_connection_per_batch(statement, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.petitions.test_mail_batch.CountingBackend"}}
    CountingBackend.opened = 0
    pending = SignatureFactory.create_batch(3, statement=statement)

    services.send_signature_mails([s.pk for s in pending])

    assert CountingBackend.opened == 1
    assert len(mail.outbox) == 3


def test_it_does_not_send_again_what_a_batch_already_sent(statement):
    pending = SignatureFactory.create_batch(2, statement=statement)
    services.send_signature_mail(pending[0].pk)

    services.send_signature_mails([s.pk for s in pending])
    services.send_signature_mails([s.pk for s in pending])

    assert len(mail.outbox) == 2
