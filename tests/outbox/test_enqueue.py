"""outbox.services.enqueue: a row in the caller's transaction, nothing else on the caller's path."""

import pytest
from django.core import mail
from django.db import transaction

from outbox.models import OutboxMessage
from outbox.registry import UnknownKind
from outbox.services import enqueue

pytestmark = pytest.mark.django_db


def test_it_stores_nothing_when_the_callers_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.note", "ana@example.org", ref="1")
        raise RuntimeError("the domain change failed")

    assert not OutboxMessage.objects.exists()


def test_it_stores_a_pending_row_due_now():
    message = enqueue("tests.note", "ana@example.org", ref=7, context={"a": 1}, language="es", statement_id=3)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert (message.ref, message.context, message.language, message.statement_id) == ("7", {"a": 1}, "es", 3)
    assert message.attempts == 0 and message.lease_owner == ""


def test_it_refuses_a_kind_no_app_registered():
    with pytest.raises(UnknownKind):
        enqueue("tests.nothing", "ana@example.org")


def test_it_sends_right_after_the_commit_in_the_embedded_mode(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue("tests.note", "ana@example.org", ref="1")
        enqueue("tests.note", "bob@example.org", ref="2")

    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bob@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}


def test_it_leaves_sending_to_the_senders_outside_the_embedded_mode(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue("tests.note", "ana@example.org", ref="1")

    assert callbacks == []
    assert mail.outbox == []
