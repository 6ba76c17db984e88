"""What the outbox offers the other apps: enqueue a message in their transaction; see how mail is doing."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, TextField, Value, When
from django.utils import timezone

from . import registry, suppression
from .models import OutboxMessage, PurgedCount
from .rows import insert_with_message


def enqueue(
    kind: str,
    to: str,
    *,
    ref: str = "",
    context: dict | None = None,
    language: str = "",
    due_at: datetime | None = None,
    statement_id: int | None = None,
    campaign_id: int | None = None,
    channel: str = "email",
    coalesce: bool = False,
) -> OutboxMessage:
    """Owe `to` a message of `kind`, in the caller's transaction: it exists if and only if that commits.

    Nothing else happens on the caller's path (no broker): senders find the row by polling. In the
    embedded mode (OUTBOX_SEND_ON_COMMIT) it is sent in-process right after the commit instead.

    With `coalesce`, a message of this kind about the same `ref` that is still waiting (no sender
    has claimed it) stands for this one too: builders read the state when the message goes, so it
    will say the latest. The row is locked until the caller commits, so no sender takes it meanwhile.
    """
    message = _new_message(
        kind,
        to,
        ref=ref,
        context=context,
        language=language,
        due_at=due_at,
        statement_id=statement_id,
        campaign_id=campaign_id,
        channel=channel,
    )
    if coalesce:
        # A savepoint only here: the lock needs a transaction; signing needs no extra round trip.
        with transaction.atomic():
            waiting = _waiting(kind, ref, channel, to)
            if waiting is None:
                message.save(force_insert=True)
            else:
                message = waiting
    else:
        message.save(force_insert=True)
    if settings.OUTBOX_SEND_ON_COMMIT:
        _send_after_commit(channel)
    return message


def create_with_message(
    instance,
    kind: str,
    to: str,
    *,
    language: str = "",
    statement_id: int | None = None,
    campaign_id: int | None = None,
    channel: str = "email",
) -> OutboxMessage:
    """Save `instance`, a new row, and owe `to` a message of `kind` about it (ref: its primary key).

    enqueue() for a row being created, both stored or neither, without a transaction of the caller's:
    on PostgreSQL one INSERT statement stores the two (outbox.rows), which is what a signature in a
    surge costs; elsewhere the two saves in one transaction.
    """
    message = _new_message(
        kind, to, language=language, statement_id=statement_id, campaign_id=campaign_id, channel=channel
    )
    connection = connections[router.db_for_write(type(instance), instance=instance)]
    if connection.vendor == "postgresql":
        insert_with_message(instance, message, connection)
    else:
        with transaction.atomic(using=connection.alias):
            instance.save(force_insert=True, using=connection.alias)
            message.ref = str(instance.pk)
            message.save(force_insert=True, using=connection.alias)
    if settings.OUTBOX_SEND_ON_COMMIT:
        _send_after_commit(channel)
    return message


def _new_message(
    kind: str,
    to: str,
    *,
    ref="",
    context: dict | None = None,
    language: str = "",
    due_at: datetime | None = None,
    statement_id: int | None = None,
    campaign_id: int | None = None,
    channel: str = "email",
) -> OutboxMessage:
    """The unsaved row owing `to` a message of `kind`; an unknown kind fails here, in the caller's
    tests, not later in a sender."""
    registry.get(kind)
    return OutboxMessage(
        kind=kind,
        channel=channel,
        to=to,
        ref=str(ref),
        context=context or {},
        language=language,
        due_at=due_at or timezone.now(),
        statement_id=statement_id,
        campaign_id=campaign_id,
    )


def _waiting(kind: str, ref, channel: str, to: str) -> OutboxMessage | None:
    waiting = (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(kind=kind, ref=str(ref), channel=channel, status=OutboxMessage.Status.PENDING, lease_owner="")
        .first()
    )
    if waiting is not None and waiting.to != to:
        OutboxMessage.objects.filter(pk=waiting.pk).update(to=to)
    return waiting


def enqueue_many(kind: str, messages: Iterable[dict], *, channel: str = "email") -> int:
    """enqueue() for many recipients at once (change notices, updates): one INSERT per thousand.

    Each message is a dict of enqueue()'s keyword arguments plus `to`. Returns how many were stored.
    """
    registry.get(kind)
    now = timezone.now()
    total = 0
    batch: list[OutboxMessage] = []
    for fields in messages:
        fields = {"ref": "", "context": {}, "due_at": now, **fields}
        batch.append(OutboxMessage(kind=kind, channel=channel, **{**fields, "ref": str(fields["ref"])}))
        if len(batch) == 1000:
            total += len(OutboxMessage.objects.bulk_create(batch))
            batch = []
    if batch:
        total += len(OutboxMessage.objects.bulk_create(batch))
    if total and settings.OUTBOX_SEND_ON_COMMIT:
        _send_after_commit(channel)
    return total


def _send_after_commit(channel: str) -> None:
    from .sender import drain

    # The first drain after the commit sends everything the transaction enqueued; any later one
    # finds nothing due (one query). Embedded mode only.
    transaction.on_commit(partial(drain, channel), robust=True)


NO_MAIL = {"due": 0, "sent": 0, "failed": 0, "suppressed": 0, "oldest_unsent_at": None}


def statement_mail_stats(statement_ids: list[int]) -> dict[int, dict]:
    """Per statement: mails due now, sent, failed, not sent because the address is suppressed (it
    bounced or complained), and when the oldest mail still unsent fell due."""
    now = timezone.now()
    due = Q(status=OutboxMessage.Status.PENDING, due_at__lte=now)
    rows = (
        OutboxMessage.objects.filter(statement_id__in=statement_ids)
        .values("statement_id")
        .annotate(
            due=Count("pk", filter=due),
            sent=Count("pk", filter=Q(status=OutboxMessage.Status.SENT)),
            failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
            suppressed=Count(
                "pk",
                filter=Q(status=OutboxMessage.Status.DROPPED, last_error__startswith=suppression.SUPPRESSED),
            ),
            oldest_unsent_at=Min("due_at", filter=due),
        )
    )
    stats = {statement_id: dict(NO_MAIL) for statement_id in statement_ids}
    for row in rows:
        stats[row.pop("statement_id")] = row
    # What the retention purge deleted still counts.
    purged = PurgedCount.objects.filter(
        statement_id__in=statement_ids, outcome__in=["sent", "failed", "suppressed"]
    )
    for statement_id, outcome, count in purged.values_list("statement_id", "outcome", "count"):
        stats[statement_id] = {**stats[statement_id], outcome: stats[statement_id][outcome] + count}
    return stats


def purged_totals() -> dict[str, int]:
    """How many messages the retention purge deleted, by outcome, over every statement (for /metrics)."""
    totals = Counter()
    for outcome, count in PurgedCount.objects.values_list("outcome", "count"):
        totals[outcome] += count
    return dict(totals)


# --- Retention: finished messages go after OUTBOX_RETENTION_DAYS ---------------------------------

FINISHED = (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED, OutboxMessage.Status.DROPPED)
PURGE_BATCH = 5000
# The events' daily mail cap reads a day of rows; never keep less than this.
MIN_RETENTION_DAYS = 2


def _outcome(status: str, last_error: str) -> str:
    if status == OutboxMessage.Status.DROPPED and last_error.startswith(suppression.SUPPRESSED):
        return PurgedCount.Outcome.SUPPRESSED
    return status


def purgeable(now: datetime | None = None):
    """Finished messages (sent, failed for good, dropped) older than OUTBOX_RETENTION_DAYS, except the
    latest sent one of each ref for the kinds an app keeps (registry.keep_last_sent)."""
    days = max(MIN_RETENTION_DAYS, settings.OUTBOX_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    rows = OutboxMessage.objects.filter(status__in=FINISHED, created_at__lt=cutoff)
    kept = registry.kept_kinds()
    if kept:
        later_sent = OutboxMessage.objects.filter(
            kind=OuterRef("kind"),
            ref=OuterRef("ref"),
            status=OutboxMessage.Status.SENT,
            pk__gt=OuterRef("pk"),
        )
        rows = rows.exclude(Q(kind__in=kept, status=OutboxMessage.Status.SENT) & ~Exists(later_sent))
    return rows


def purge_finished(now: datetime | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete purgeable() messages in batches of short transactions; return how many went.

    Each batch adds what it deleted to PurgedCount in its own transaction, so the dashboard's and
    /metrics' totals never drop. Rows are locked with SKIP LOCKED, so two purges at once (beat run
    twice) delete and count each row once.
    """
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                purgeable(now)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", "statement_id", "status", "last_error")[:batch_size]
            )
            if not batch:
                return total
            OutboxMessage.objects.filter(pk__in=[row[0] for row in batch]).delete()
            counts = Counter(
                (statement_id or 0, _outcome(status, error)) for _pk, statement_id, status, error in batch
            )
            PurgedCount.objects.bulk_create(
                [PurgedCount(statement_id=statement_id, outcome=outcome) for statement_id, outcome in counts],
                ignore_conflicts=True,
            )
            for (statement_id, outcome), n in counts.items():
                PurgedCount.objects.filter(statement_id=statement_id, outcome=outcome).update(
                    count=F("count") + n
                )
        total += len(batch)


# --- Forgetting a person ---------------------------------------------------------------------------

FORGOTTEN = "forgotten"


def forget(statement_id: int, addresses: Iterable[str]) -> int:
    """Blank these addresses from the statement's messages; return how many rows changed.

    For a signer who withdrew or was anonymised: the address, the context and any error text (an SMTP
    refusal quotes the address) go; kind, status, statement, dates and the suppression reason stay,
    so the dashboard counts the same. A message not sent yet and not claimed by a sender is dropped
    ("forgotten"): there is nobody to send it to any more. Messages to the same address about other
    statements are not this statement's to erase.
    """
    addresses = [address for address in set(addresses) if address]
    if not addresses:
        return 0
    rows = OutboxMessage.objects.filter(statement_id=statement_id, to__in=addresses)
    unclaimed = Q(lease_owner="") | Q(lease_expires_at__lt=timezone.now())
    rows.filter(unclaimed, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.DROPPED, last_error=FORGOTTEN, lease_owner="", lease_expires_at=None
    )
    return rows.update(
        to="",
        context={},
        last_error=Case(
            When(last_error__startswith=suppression.SUPPRESSED, then=F("last_error")),
            When(last_error=FORGOTTEN, then=F("last_error")),
            default=Value(""),
            output_field=TextField(),
        ),
    )
