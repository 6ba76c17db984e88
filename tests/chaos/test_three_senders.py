"""Three outbox senders, each in a worker process of its own, share one burst of every kind of mail.

They claim with FOR UPDATE SKIP LOCKED and a lease, so no two ever hold the same row: every mail
goes out exactly once, whichever sender took it, and the work is shared.
"""

import time

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services

SENDERS = 3


def test_three_senders_send_every_kind_of_mail_exactly_once(chaos):
    # Given three sender processes and nothing else sending (beat and the stack's senders stopped)
    chaos.stop(chaos.beat)
    chaos.beat = None
    chaos.stop(chaos.sender)
    chaos.sender = None
    workers = [chaos._start_celery_worker("celery-sender", 1, queues="outbox") for _ in range(SENDERS)]
    chaos.mailbox.delay = 0.02
    try:
        for _ in range(SENDERS):
            chaos.run_task("outbox.tasks.send_outbox", 40, queue="outbox")

        # When mails of every kind fall due while they run
        owed = chaos.mail_every_kind("three-senders", each=12)
        wait_until(
            lambda: set(chaos.mailbox.per_recipient("@three-senders.test")) >= owed,
            what=f"the {len(owed)} mails",
            timeout=60,
            interval=0.5,
        )
        time.sleep(2)  # more polls by every sender: anything sent twice would arrive now

        # Then each went out exactly once, and all three senders took a share
        counts = chaos.mailbox.per_recipient("@three-senders.test")
        rows = chaos.sql(
            'SELECT kind, status, lease_owner FROM outbox_outboxmessage WHERE "to" LIKE %s',
            ("%@three-senders.test",),
        )
        # A lease owner is "host:pid:run"; one process may run more than one sender task in turn.
        by_sender = {}
        for _kind, _status, owner in rows:
            process = owner.rsplit(":", 1)[0]
            by_sender[process] = by_sender.get(process, 0) + 1
        kinds = sorted({kind for kind, *_ in rows})
        print(f"\nthree senders: {sum(counts.values())} mails of {len(kinds)} kinds, per sender {by_sender}")
        assert set(counts) == owed
        assert max(counts.values()) == 1
        assert {status for _, status, _ in rows} == {"sent"}
        assert len(kinds) == 7
        assert len(by_sender) == SENDERS
    finally:
        for worker in workers:
            chaos.stop(worker)
