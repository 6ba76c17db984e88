"""What the outbox offers the other apps: enqueue a message in their transaction; see how mail is doing."""

from datetime import datetime

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
) -> OutboxMessage:
    """Owe `to` a message of `kind`, in the caller's transaction: it exists if and only if that commits.

    Nothing else happens on the caller's path (no broker): senders find the row by polling. In the
    embedded mode (OUTBOX_SEND_ON_COMMIT) it is sent in-process right after the commit instead.
    """
    registry.get(kind)  # an unknown kind fails here, in the caller's tests, not later in a sender
    message = OutboxMessage.objects.create(
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
    if settings.OUTBOX_SEND_ON_COMMIT:
        _send_after_commit(channel)
    return message


def _send_after_commit(channel: str) -> None:
    from .sender import drain

    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "outbox_channel", None) == channel for _, callback, _ in pending):
        return  # one drain per transaction sends everything it enqueued

    def send():
        drain(channel)

    send.outbox_channel = channel
    transaction.on_commit(send, robust=True)


def statement_mail_stats(statement_ids: list[int]) -> dict[int, dict]:
    """Per statement: mails due now, sent, failed, not sent because the address is suppressed (it
    bounced or complained), and the age in seconds of the oldest unsent one."""
    now = timezone.now()
    pending = Q(status=OutboxMessage.Status.PENDING)
    rows = (
        OutboxMessage.objects.filter(statement_id__in=statement_ids)
        .values("statement_id")
        .annotate(
            due=Count("pk", filter=pending & Q(due_at__lte=now)),
            sent=Count("pk", filter=Q(status=OutboxMessage.Status.SENT)),
            failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
            suppressed=Count(
                "pk",
                filter=Q(status=OutboxMessage.Status.DROPPED, last_error__startswith=suppression.SUPPRESSED),
            ),
            oldest_unsent=Min("created_at", filter=pending),
        )
    )
    stats = {}
    for row in rows:
        oldest = row.pop("oldest_unsent")
        row["oldest_unsent_seconds"] = (now - oldest).total_seconds() if oldest else None
        stats[row.pop("statement_id")] = row
    return stats
