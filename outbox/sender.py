"""Senders: claim due rows with a lease, build each message, send, mark it sent at once.

Several senders (Celery tasks, on one host or many) run side by side: a claim takes rows with
FOR UPDATE SKIP LOCKED and stamps them with the sender's lease, so no two senders hold a row at the
same time. A sender that dies leaves its lease to expire, and the rows become claimable again.

Each message is marked sent in its own commit right after the server accepted it. SMTP cannot make
a send idempotent: a sender killed between the server's 250 and that commit resends the message
(with the same Message-ID) once its lease expires. The commit per message keeps that window to one
commit; `synchronous_commit = off` makes the commit cheap without widening it for a killed sender.

The mark's UPDATE goes to PostgreSQL at once (it commits there as soon as it arrives), but its
answer is read only before the next use of the connection or the next message's delivery: the
sender builds the next message meanwhile instead of waiting for the round trip. A mark that failed
is then made again, waiting, for as long as the lease lasts, before anything else is sent.
"""

import functools
import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from psycopg import generators as pq_generators
from psycopg.pq import ExecStatus

from . import registry, suppression, transports
from .models import OutboxMessage

log = logging.getLogger(__name__)

# A sender's SMTP connection is closed after this many messages and a new one opened: below the
# per-connection limits servers set (Exim's smtp_accept_max_per_connection is 1,000).
MESSAGES_PER_CONNECTION = 500


def new_sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(owner: str, *, limit: int, channel: str = "email") -> list[OutboxMessage]:
    """Lease up to `limit` due rows to `owner`, oldest due first. Rows another sender holds are skipped."""
    settle_marks()
    now = timezone.now()
    expires = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        return _claim_in_one_statement(owner, limit, channel, now, expires)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(channel=channel, status=OutboxMessage.Status.PENDING, due_at__lte=now)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(
            lease_owner=owner, lease_expires_at=expires, attempts=F("attempts") + 1
        )
    return list(OutboxMessage.objects.filter(pk__in=ids, lease_owner=owner).order_by("due_at"))


# The claim above as one statement, atomic on its own (no BEGIN and COMMIT round trips, nothing for
# the ORM to compile): lock the due rows no one holds, lease them, and return them.
_CLAIM_SQL = """
WITH due AS MATERIALIZED (
    SELECT id FROM {table}
    WHERE channel = %s AND status = %s AND due_at <= %s
      AND (lease_expires_at IS NULL OR lease_expires_at <= %s)
    ORDER BY due_at
    LIMIT %s
    FOR UPDATE SKIP LOCKED
)
UPDATE {table} SET lease_owner = %s, lease_expires_at = %s, attempts = {table}.attempts + 1
FROM due WHERE {table}.id = due.id
RETURNING {columns}
"""


@functools.cache
def _on_table(template: str) -> str:
    """One of this module's statements with the outbox table's and its columns' names in, made once."""
    quote = connection.ops.quote_name
    table = quote(OutboxMessage._meta.db_table)
    columns = ", ".join(f"{table}.{quote(field.column)}" for field in OutboxMessage._meta.concrete_fields)
    return template.format(table=table, columns=columns)


def _claim_in_one_statement(owner, limit, channel, now, expires) -> list[OutboxMessage]:
    params = [channel, OutboxMessage.Status.PENDING, now, now, limit, owner, expires]
    rows = list(OutboxMessage.objects.raw(_on_table(_CLAIM_SQL), params))
    rows.sort(key=lambda row: (row.due_at, row.pk))
    return rows


def send_batch(owner: str, *, limit: int | None = None, channel: str = "email", transport=None) -> int:
    """Claim one batch and send it over one connection; return how many rows were claimed.

    Given a transport, the caller keeps it (and its connection) for its next batch; it is closed
    here only if its connection was lost. Without one, the batch opens and closes its own.
    """
    rows = claim(owner, limit=limit or settings.OUTBOX_BATCH_SIZE, channel=channel)
    if not rows:
        return 0
    claimed = len(rows)
    if channel == "email":
        rows = _drop_suppressed(rows)
        if not rows:
            return claimed
    # What the builders need, a few queries for the whole batch (the kinds that register a hook).
    registry.prefetch_batch(rows)
    keep = transport is not None
    transport = transport or transports.TRANSPORTS[channel]()
    # Stop early rather than send under a lease that may have passed to another sender.
    stop_at = rows[0].lease_expires_at - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS / 4)
    try:
        # A builder's query reads the answer of the mark in flight first (one query at a time).
        with connection.execute_wrapper(_settle_first):
            for index, row in enumerate(rows):
                if timezone.now() >= stop_at:
                    release(rows[index:], owner)
                    break
                if not _send_one(row, transport):
                    keep = False  # the connection is gone: the next batch opens another
                    release(rows[index + 1 :], owner)
                    break
    except BaseException:
        keep = False
        raise
    finally:
        try:
            settle_marks()
        finally:
            if not keep:
                transport.close()
    return claimed


def _drop_suppressed(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Drop the rows to addresses that bounced or complained (one query); return the others."""
    reasons = suppression.suppressed_reasons({row.to for row in rows})
    for row in rows:
        if row.to in reasons:
            _finish(row, OutboxMessage.Status.DROPPED, error=suppression.SUPPRESSED + reasons[row.to])
    return [row for row in rows if row.to not in reasons]


def _send_one(row: OutboxMessage, transport) -> bool:
    """Build and send one row and record the outcome. False: the connection is gone, stop the batch."""
    try:
        built = registry.get(row.kind)(row)
    except DatabaseError:
        raise
    except Exception as exc:  # a builder bug must not stop the other messages of the batch
        log.exception("outbox: building %s %s failed", row.kind, row.pk)
        retry_later(row, f"build failed: {exc!r}")
        return True
    if built is None:
        _finish(row, OutboxMessage.Status.DROPPED)
        return True
    if hasattr(transport, "before_delivery"):
        # The transport reads the previous mark's answer itself, once this message is ready to go.
        transport.before_delivery = settle_marks
    else:
        settle_marks()
    try:
        transport.send(row, built)
    except transports.PermanentFailure as exc:
        log.warning("outbox: %s %s refused for good: %s", row.kind, row.pk, exc)
        _finish(row, OutboxMessage.Status.FAILED, error=str(exc))
        return True
    except transports.TemporaryFailure as exc:
        log.warning("outbox: %s %s not sent, will retry: %s", row.kind, row.pk, exc)
        retry_later(row, str(exc))
        return not exc.connection_lost
    _mark_sent_soon(row)
    return True


def mark_sent(row: OutboxMessage) -> None:
    """Record that the server accepted the message, in a commit of its own, as soon as it did.

    If the database is away (restarting) the mark is retried for as long as the lease lasts: giving
    up would let the lease expire and the message go out a second time.
    """
    settle_marks()
    deadline = time.monotonic() + settings.OUTBOX_LEASE_SECONDS
    hook = registry.sent_hook(row.kind)
    while True:
        try:
            if hook is None and connection.vendor == "postgresql":
                _mark_sent_alone(row)
                return
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                # The lease owner stays on a sent row: which sender sent it.
                marked = OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.PENDING).update(
                    status=OutboxMessage.Status.SENT,
                    sent_at=timezone.now(),
                    lease_expires_at=None,
                    last_error="",
                )
                if marked and hook is not None:
                    hook(row)
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            log.warning("outbox: database away while marking %s sent; trying again", row.pk)
            connection.close()
            time.sleep(0.5)


# One statement, so one transaction and one round trip in autocommit mode; set_config(..., true)
# is SET LOCAL: this commit alone is asynchronous. The FROM is evaluated once, with the row.
_MARK_SENT_SQL = """
UPDATE {table} SET status = %s, sent_at = %s, lease_expires_at = NULL, last_error = ''
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
WHERE {table}.id = %s AND {table}.status = %s
"""


def _mark_sent_alone(row: OutboxMessage) -> None:
    """mark_sent for a kind with no on_sent hook: the UPDATE is the whole transaction."""
    sql = _on_table(_MARK_SENT_SQL)
    with connection.cursor() as cursor:
        cursor.execute(sql, [OutboxMessage.Status.SENT, timezone.now(), row.pk, OutboxMessage.Status.PENDING])


# The "sent" mark this thread sent and whose answer it has not read yet: at most one.
_in_flight = threading.local()
# The same UPDATE for libpq, its values as text parameters.
_MARK_SENT_PQ = _MARK_SENT_SQL.replace("%s", "$1", 1).replace("%s", "$2", 1).replace("%s", "$3", 1)
_MARK_SENT_PQ = _MARK_SENT_PQ.replace("%s", "$4", 1)


def _mark_sent_soon(row: OutboxMessage) -> None:
    """mark_sent without waiting for the answer: the UPDATE leaves now, its answer is read by
    settle_marks() before the connection is used again or the next message is delivered."""
    settle_marks()
    if registry.sent_hook(row.kind) is not None or connection.vendor != "postgresql":
        mark_sent(row)
        return
    sql = _on_table(_MARK_SENT_PQ).encode()
    sent, pending = OutboxMessage.Status.SENT, OutboxMessage.Status.PENDING
    params = [sent, timezone.now().isoformat(), str(row.pk), pending]
    try:
        connection.ensure_connection()
        pg = connection.connection
        pg.pgconn.send_query_params(sql, [value.encode() for value in params])
        pg.wait(pq_generators.send(pg.pgconn))
    except Exception:  # the database away, the connection broken: the waiting loop takes over
        log.warning("outbox: could not send the mark of %s; marking it again", row.pk, exc_info=True)
        mark_sent(row)
        return
    _in_flight.row = row


def settle_marks() -> None:
    """Read the answer of the mark in flight, if any; a mark that failed is made again (mark_sent)."""
    row = getattr(_in_flight, "row", None)
    if row is None:
        return
    _in_flight.row = None
    try:
        pg = connection.connection
        results = pg.wait(pq_generators.fetch_many(pg.pgconn))
        done = bool(results) and all(result.status == ExecStatus.COMMAND_OK for result in results)
    except Exception:
        done = False
    if not done:
        log.warning("outbox: the mark of %s failed; marking it again", row.pk)
        mark_sent(row)


def _settle_first(execute, sql, params, many, context):
    settle_marks()
    return execute(sql, params, many, context)


def _finish(row: OutboxMessage, status: str, *, error: str = "") -> None:
    settle_marks()
    with transaction.atomic():
        finished = OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.PENDING).update(
            status=status, last_error=error[:2000], lease_owner="", lease_expires_at=None
        )
        hook = registry.dropped_hook(row.kind)
        if finished and status == OutboxMessage.Status.DROPPED and hook is not None:
            hook(row)


def retry_later(row: OutboxMessage, error: str) -> None:
    """Back off exponentially; after OUTBOX_MAX_ATTEMPTS the row fails with the last reason."""
    settle_marks()
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _finish(row, OutboxMessage.Status.FAILED, error=f"gave up after {row.attempts} attempts: {error}")
        return
    delay = min(settings.OUTBOX_RETRY_SECONDS * 2 ** (row.attempts - 1), settings.OUTBOX_RETRY_MAX_SECONDS)
    OutboxMessage.objects.filter(pk=row.pk).update(
        due_at=timezone.now() + timedelta(seconds=delay),
        last_error=error[:2000],
        lease_owner="",
        lease_expires_at=None,
    )


def release(rows: list[OutboxMessage], owner: str) -> None:
    """Hand back rows this sender claimed but did not try: claimable again at once, attempt not counted."""
    settle_marks()
    if rows:
        OutboxMessage.objects.filter(
            pk__in=[r.pk for r in rows], lease_owner=owner, status=OutboxMessage.Status.PENDING
        ).update(lease_owner="", lease_expires_at=None, attempts=F("attempts") - 1)


class _Batches:
    """Batch after batch for one sender. A transport that says it can (SMTP) keeps its connection
    from one batch to the next while there is work, up to MESSAGES_PER_CONNECTION messages; it is
    closed when a claim finds nothing, and at the end."""

    def __init__(self, owner: str, channel: str):
        self.owner = owner
        self.channel = channel
        self.transport = None

    def send(self) -> int:
        transport_class = transports.TRANSPORTS[self.channel]
        if self.transport is None and getattr(transport_class, "reusable", False):
            self.transport = transport_class()
        try:
            claimed = send_batch(self.owner, channel=self.channel, transport=self.transport)
        except BaseException:
            self.close()  # a failed claim, say: the connection is not kept through an error
            raise
        if not claimed or (self.transport is not None and self.transport.sent >= MESSAGES_PER_CONNECTION):
            self.close()
        return claimed

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def drain(channel: str = "email", owner: str = "") -> int:
    """Send everything due now, then return (the embedded mode's in-process sender, and tests)."""
    total = 0
    with _Batches(owner or new_sender_id(), channel) as batches:
        while claimed := batches.send():
            total += claimed
    return total


def run(seconds: float, channel: str = "email") -> int:
    """A sender's life: send batches while there is work, poll briefly while there is none.

    Polling (not a wake-up message) is what keeps the signing request free of any broker round
    trip; the poll is one indexed query every OUTBOX_POLL_SECONDS per idle sender.

    A claim that found less than a quarter of a batch also waits a poll interval before the next:
    a batch costs several ms of CPU whatever its size (the claim, the builders' prefetch queries,
    the templates rendered once per statement), so in a surge the mails of a poll interval go out
    in one batch rather than one batch per few mails (12 in `make bench`'s surge with no wait), for
    at most that much more latency.
    """
    deadline = time.monotonic() + seconds
    total = 0
    with _Batches(new_sender_id(), channel) as batches:
        while time.monotonic() < deadline:
            try:
                claimed = batches.send()
            except DatabaseError:
                # PostgreSQL restarting: what this sender held comes back when its lease expires.
                log.warning("outbox: database error in the sender; retrying", exc_info=True)
                connection.close()
                time.sleep(1)
                continue
            total += claimed
            if claimed < max(1, settings.OUTBOX_BATCH_SIZE // 4):
                time.sleep(settings.OUTBOX_POLL_SECONDS)
    return total
