"""An outbox sender is killed with SIGKILL in the middle of sending a batch of confirmations.

The dead sender's rows stay leased to it until the lease expires (OUTBOX_LEASE_SECONDS, 6 s here);
then another sender claims and sends them. Each message is marked sent in its own commit right after
the SMTP server accepted it, so a duplicate is possible only for a message accepted in the instant
before the kill and not yet marked. The SMTP catcher answers MAIL FROM slowly and the kill lands
while a sender waits on it, mid-send, before DATA: so the figure is expected to be zero, and is
printed.
"""

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services

BATCH = 36


def _duplicates(counts) -> int:
    return sum(n - 1 for n in counts.values() if n > 1)


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _sign_batch(chaos, statement):
    outcomes = statement.sign_many(BATCH, workers=4, prefix="k")
    assert {o.status for o in outcomes} == {303}
    return {o.email for o in outcomes}


def _wait_for_everyone(chaos, statement, signed, timeout=60):
    wait_until(
        lambda: set(chaos.mailbox.per_recipient(statement.domain)) >= signed,
        what=f"a confirmation to each of {len(signed)} signers",
        timeout=timeout,
        interval=0.5,
    )
    time.sleep(4)  # several more polls by every sender: anything sent twice would arrive now
    return chaos.mailbox.per_recipient(statement.domain)


def test_it_sends_every_mail_once_after_the_senders_worker_is_killed(chaos):
    statement = chaos.new_statement("sender-killed")
    chaos.mailbox.delay = 0.3

    # Given the senders sending a batch, and mails of every other kind
    signed = _sign_batch(chaos, statement)
    others = chaos.mail_every_kind("sender-killed-kinds")
    sender = chaos.sender

    # When their worker is killed (main process and pool, SIGKILL) while a sender is mid-send
    def mid_batch():
        received = sum(chaos.mailbox.per_recipient(statement.domain).values())
        return received >= 6 and chaos.mailbox.only_waiting()

    wait_until(mid_batch, what="a sender to be in the middle of the batch", timeout=40, interval=0.005)
    os.killpg(sender.process.pid, signal.SIGKILL)
    sender.process.wait(10)
    sent_before_kill = sum(chaos.mailbox.per_recipient(statement.domain).values())
    assert sent_before_kill < BATCH, "the kill came too late to land mid-batch"
    chaos.stop(sender)
    chaos.sender = None
    leased = chaos.sql(
        "SELECT count(*) FROM outbox_outboxmessage WHERE statement_id = %s AND lease_owner <> ''",
        (statement.pk,),
    )[0][0]

    # Then a new worker's senders (started by beat) send every mail, once the dead one's lease expires
    chaos.mailbox.delay = 0.02
    chaos.start_sender()
    counts = _wait_for_everyone(chaos, statement, signed)

    duplicates = _duplicates(counts)
    print(
        f"\nsenders killed after {sent_before_kill}/{BATCH} mails ({leased} rows leased to the dead);"
        f" after restart {sum(counts.values())} mails to {len(counts)} signers: {duplicates} duplicates"
    )
    assert leased > 0
    assert set(counts) == signed
    assert duplicates == 0
    assert statement.unmailed() == 0
    wait_until(
        lambda: set(chaos.mailbox.per_recipient("@sender-killed-kinds.test")) == others,
        what="every kind",
        timeout=30,
    )
    kinds = chaos.mailbox.per_recipient("@sender-killed-kinds.test")
    assert set(kinds) == others and max(kinds.values()) == 1


def test_it_hands_over_the_rows_of_a_killed_sender_process(chaos):
    statement = chaos.new_statement("sender-process-killed")
    chaos.mailbox.delay = 0.3
    sender = chaos.sender

    # Given a sender sending a batch
    signed = _sign_batch(chaos, statement)

    # When its pool process is killed mid-send (the worker's main process stays up)
    wait_until(chaos.mailbox.only_waiting, what="a sender to be mid-send", interval=0.005)
    children = _children(sender.process.pid)
    assert children, "the senders' worker has no pool processes"
    for child in children:
        os.kill(child, signal.SIGKILL)

    # Then the worker replaces its processes, and every mail goes out once when the lease expires
    chaos.mailbox.delay = 0.02
    counts = _wait_for_everyone(chaos, statement, signed)
    duplicates = _duplicates(counts)
    print(
        f"\nsender processes killed: {sum(counts.values())} mails to {len(counts)} signers,"
        f" {duplicates} duplicates"
    )
    sender.assert_running()
    assert set(counts) == signed
    assert duplicates == 0
