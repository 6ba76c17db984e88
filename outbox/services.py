"""What the outbox offers the other apps: enqueue a message in their transaction; see how mail is doing."""

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from . import registry, suppression
from .models import OutboxMessage


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
    registry.get(kind)  # an unknown kind fails here, in the caller's tests, not later in a sender
    fields = {
        "kind": kind,
        "channel": channel,
        "to": to,
        "ref": str(ref),
        "context": context or {},
        "language": language,
        "due_at": due_at or timezone.now(),
        "statement_id": statement_id,
        "campaign_id": campaign_id,
    }
    if coalesce:
        # A savepoint only here: the lock needs a transaction; signing needs no extra round trip.
        with transaction.atomic():
            message = _waiting(kind, ref, channel, to) or OutboxMessage.objects.create(**fields)
    else:
        message = OutboxMessage.objects.create(**fields)
    if settings.OUTBOX_SEND_ON_COMMIT:
        _send_after_commit(channel)
    return message


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
    return stats
