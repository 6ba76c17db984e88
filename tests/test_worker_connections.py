import pytest
from celery.signals import task_prerun
from django.db import DatabaseError, connection

from petitions.models import Statement
from petitions.tasks import tally_all

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_next_task_a_working_connection_after_the_database_went_away():
    # Given a worker whose kept connection was lost (PostgreSQL restarted)
    connection.ensure_connection()
    connection.connection.close()
    with pytest.raises(DatabaseError):
        Statement.objects.count()

    # When the next task starts
    task_prerun.send(sender=tally_all, task_id="t", task=tally_all, args=(), kwargs={})

    # Then it can use the database again
    assert Statement.objects.count() == 0


@pytest.mark.django_db
def test_it_leaves_the_connection_of_a_transaction_alone():
    Statement.objects.count()
    before = connection.connection

    task_prerun.send(sender=tally_all, task_id="t", task=tally_all, args=(), kwargs={})

    assert connection.connection is before
    assert connection.in_atomic_block
