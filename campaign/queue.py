"""Queueing Celery tasks from web requests without ever failing the request.

A signature that got its 303 is already committed to PostgreSQL; if the broker is down the task is
simply not queued, and the periodic sweep finds the work from the database state later.
"""

import logging
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)


def _delay(task, args):
    try:
        task.apply_async(args, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep re-queues from the database
        log.warning("could not queue %s%r; the sweep will retry", task.name, args, exc_info=True)


def enqueue_on_commit(task, *args):
    transaction.on_commit(partial(_delay, task, args))
