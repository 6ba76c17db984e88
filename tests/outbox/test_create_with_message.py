"""outbox.services.create_with_message: a new row and the message owed about it, both or neither."""

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from outbox.models import OutboxMessage
from outbox.services import create_with_message
from petitions.models import Signature
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def new_signature(statement, **fields) -> Signature:
    return Signature(statement=statement, name="Ana", email="ana@example.org", country="PE", **fields)


def test_it_stores_the_row_and_its_message_in_one_statement_on_postgresql():
    statement = StatementFactory()
    signature = new_signature(statement, email_normalized="ana@example.org", language="es")

    with CaptureQueriesContext(connection) as queries:
        message = create_with_message(
            signature,
            "tests.note",
            "ana@example.org",
            language="es",
            statement_id=statement.pk,
            campaign_id=statement.campaign_id,
        )

    if connection.vendor == "postgresql":
        assert len(queries) == 1  # elsewhere: two saves in one transaction
    stored = Signature.objects.get()
    assert stored.pk == signature.pk and stored.uuid == signature.uuid and stored.name == "Ana"
    row = OutboxMessage.objects.get()
    assert row.pk == message.pk and row.ref == str(signature.pk) == message.ref
    assert (row.kind, row.to, row.language, row.status) == ("tests.note", "ana@example.org", "es", "pending")
    assert (row.statement_id, row.campaign_id) == (statement.pk, statement.campaign_id)
    assert not signature._state.adding and not message._state.adding


@pytest.mark.django_db(transaction=True)  # as in a request: no transaction around the call
def test_it_stores_neither_when_the_message_cannot_be_stored():
    statement = StatementFactory()

    with pytest.raises(IntegrityError):  # the message's address may not be NULL
        create_with_message(new_signature(statement), "tests.note", None)

    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_it_sends_right_after_the_commit_in_the_embedded_mode(django_capture_on_commit_callbacks):
    statement = StatementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        create_with_message(new_signature(statement), "tests.note", "ana@example.org")

    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_it_stores_each_value_as_model_save_would():
    from outbox import rows

    statement = StatementFactory()
    signature = new_signature(statement, email_normalized="ana@example.org", comment="Hola\nmundo", fill_ms=5)
    _sql, fields, _message_fields = rows._statement(Signature, connection.alias)

    expected = [f.get_db_prep_save(f.pre_save(signature, True), connection) for f, _as_is in fields]

    assert rows._values(signature, fields, connection) == expected
    assert sum(as_is for _f, as_is in fields) >= 10  # names, addresses, texts: passed as they are
