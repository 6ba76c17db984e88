"""A Celery worker is killed with SIGKILL in the middle of sending a batch of confirmations.

Late acknowledgement leaves its tasks unacknowledged, and the tasks are idempotent by state (a
signature is mailed while mails_sent < mails_requested, under a row lock, and marked in the same
transaction). After a restart every email is sent; duplicates are possible only for a message the
SMTP server had accepted in the few milliseconds before the kill and the database had not yet
recorded. The SMTP catcher answers MAIL FROM slowly and the kill lands while every pool process is
waiting on it, mid-send, before DATA: so the figure is expected to be zero, and is printed.
"""

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services

BATCH = 36
CONCURRENCY = 3


def _duplicates(counts) -> int:
    return sum(n - 1 for n in counts.values() if n > 1)


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _sign_batch(chaos, statement):
    outcomes = statement.sign_many(BATCH, workers=4, prefix="k")
    assert {o.status for o in outcomes} == {303}
    return {o.email for o in outcomes}


def _wait_for_everyone(chaos, statement, signed, timeout=50):
    wait_until(
        lambda: set(chaos.mailbox.per_recipient(statement.domain)) >= signed,
        what=f"a confirmation to each of {len(signed)} signers",
        timeout=timeout,
        interval=0.5,
    )
    time.sleep(4)  # two more sweeps: anything sent twice would arrive now
    return chaos.mailbox.per_recipient(statement.domain)


def test_it_sends_every_mail_once_after_the_whole_worker_is_killed(chaos):
    statement = chaos.new_statement("worker-killed")
    chaos.stop(chaos.worker)
    chaos.worker = None
    signed = _sign_batch(chaos, statement)
    chaos.mailbox.delay = 0.3

    # Given a worker sending the batch
    worker = chaos.start_worker(concurrency=CONCURRENCY)

    # When it is killed (main process and pool, SIGKILL) while all its processes are mid-send
    def mid_batch():
        received = sum(chaos.mailbox.per_recipient(statement.domain).values())
        return received >= 6 and chaos.mailbox.waiting >= CONCURRENCY

    wait_until(mid_batch, what="the worker to be in the middle of the batch", timeout=40, interval=0.005)
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(10)
    sent_before_kill = sum(chaos.mailbox.per_recipient(statement.domain).values())
    assert sent_before_kill < BATCH, "the kill came too late to land mid-batch"
    chaos.stop(worker)
    chaos.worker = None

    # Then a new worker (and the sweep, from beat) sends every mail
    chaos.mailbox.delay = 0.02
    chaos.start_worker(concurrency=CONCURRENCY)
    counts = _wait_for_everyone(chaos, statement, signed)

    duplicates = _duplicates(counts)
    print(
        f"\nworker killed after {sent_before_kill}/{BATCH} mails; after restart {sum(counts.values())} "
        f"mails to {len(counts)} signers: {duplicates} duplicates"
    )
    assert set(counts) == signed
    assert duplicates == 0
    assert statement.unmailed() == 0


def test_it_requeues_the_task_of_a_killed_pool_process(chaos):
    statement = chaos.new_statement("pool-process-killed")
    chaos.mailbox.delay = 0.3
    worker = chaos.worker

    # Given the worker sending a batch
    signed = _sign_batch(chaos, statement)

    # When one of its pool processes is killed mid-send (the main process stays up)
    wait_until(lambda: chaos.mailbox.waiting >= 1, what="a pool process to be mid-send", interval=0.005)
    children = _children(worker.process.pid)
    assert children, "the worker has no pool processes"
    os.kill(children[0], signal.SIGKILL)

    # Then its task is given back to the queue (reject_on_worker_lost) and every mail goes out once
    chaos.mailbox.delay = 0.02
    counts = _wait_for_everyone(chaos, statement, signed)
    duplicates = _duplicates(counts)
    print(
        f"\npool process killed: {sum(counts.values())} mails to {len(counts)} signers,"
        f" {duplicates} duplicates"
    )
    worker.assert_running()
    assert set(counts) == signed
    assert duplicates == 0
