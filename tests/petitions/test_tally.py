import threading

import pytest
from django.db import connection

from petitions import services, tasks
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, StatementFactory


def test_tally_adds_only_confirmed_uncounted_signatures(statement):
    ConfirmedSignatureFactory.create_batch(3, statement=statement)
    SignatureFactory.create_batch(2, statement=statement)  # pending

    assert services.tally(statement.pk) == 3

    statement.refresh_from_db()
    assert statement.signature_count == 3
    assert statement.counted_at is not None
    assert Signature.objects.filter(counted=True).count() == 3


def test_tally_updates_the_statement_row_once_per_run(statement, django_assert_max_num_queries):
    ConfirmedSignatureFactory.create_batch(50, statement=statement)

    # lock the statement, mark signatures counted, one UPDATE of the statement (+ savepoints)
    with django_assert_max_num_queries(5) as captured:
        services.tally(statement.pk)

    statement_updates = [q for q in captured if q["sql"].startswith('UPDATE "petitions_statement"')]
    assert len(statement_updates) == 1


def test_tally_all_covers_every_statement_and_is_safe_to_run_twice(statement):
    other = StatementFactory(campaign=statement.campaign)
    ConfirmedSignatureFactory.create_batch(2, statement=statement)
    ConfirmedSignatureFactory.create_batch(4, statement=other)

    assert tasks.tally_all() == 6
    assert tasks.tally_all() == 0

    statement.refresh_from_db()
    other.refresh_from_db()
    assert (statement.signature_count, other.signature_count) == (2, 4)


def test_recount_corrects_drift(statement):
    ConfirmedSignatureFactory.create_batch(3, statement=statement)
    services.tally(statement.pk)
    statement.__class__.objects.filter(pk=statement.pk).update(signature_count=999)

    assert services.recount(statement.pk) == 3 - 999

    statement.refresh_from_db()
    assert statement.signature_count == 3


def test_recount_then_tally_counts_nothing_twice(statement):
    ConfirmedSignatureFactory.create_batch(3, statement=statement)

    services.recount(statement.pk)
    services.tally(statement.pk)

    statement.refresh_from_db()
    assert statement.signature_count == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_tallies_and_recounts_never_double_count():
    # Given 200 confirmed signatures not yet counted
    statement = StatementFactory()
    ConfirmedSignatureFactory.create_batch(200, statement=statement)
    errors = []

    def run(fn):
        try:
            fn(statement.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # When four tallies and two recounts run at the same time
    threads = [threading.Thread(target=run, args=(services.tally,)) for _ in range(4)]
    threads += [threading.Thread(target=run, args=(services.recount,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Then the total is exactly the truth
    assert errors == []
    statement.refresh_from_db()
    assert statement.signature_count == 200
