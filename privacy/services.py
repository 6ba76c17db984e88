"""Closed statements are anonymised ANONYMISE_AFTER_DAYS after closing: personal data goes, totals stay."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.services import forget
from petitions.models import Signature, Statement
from petitions.withdrawal import anonymised_values, not_anonymised, scrub_audit_trail

from .models import Anonymisation

log = logging.getLogger(__name__)

BATCH = 5000


def _closed(now: datetime):
    return Statement.objects.filter(
        Q(status=Statement.Status.CLOSED) | Q(status=Statement.Status.OPEN, closes_at__lte=now)
    )


def record_closures(now: datetime | None = None) -> int:
    """Note when each closed statement closed; forget statements reopened before anonymisation."""
    now = now or timezone.now()
    Anonymisation.objects.filter(anonymised_at__isnull=True).exclude(
        statement__in=_closed(now).values("pk")
    ).delete()
    new = [
        Anonymisation(statement_id=pk, closed_at=closes_at if closes_at and closes_at <= now else now)
        for pk, closes_at in _closed(now).filter(anonymisation__isnull=True).values_list("pk", "closes_at")
    ]
    Anonymisation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def due(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ANONYMISE_AFTER_DAYS)
    return list(
        Anonymisation.objects.filter(anonymised_at__isnull=True, closed_at__lte=cutoff).values_list(
            "statement_id", flat=True
        )
    )


def anonymise_statement(statement_id: int) -> int:
    """Replace the personal data of every signature of the statement; return how many changed.

    Names, email addresses, organisation, role, location, comment, IP hashes, user agents and
    referrers go, and the addresses leave the statement's outbox messages (outbox.services.forget);
    status, kind, country, dates and the counted flag stay, so the total and the country breakdown
    are unchanged. Works in batches of short transactions and is idempotent: a second run (or one
    after a crash half-way) only touches what is left.
    """
    changed = 0
    remaining = not_anonymised(Signature.objects.filter(statement_id=statement_id))
    while True:
        rows = list(remaining.order_by("pk").values_list("pk", "uuid", "email")[:BATCH])
        if not rows:
            break
        with transaction.atomic():
            changed += Signature.objects.filter(pk__in=[pk for pk, *_ in rows]).update(**anonymised_values())
            scrub_audit_trail([uuid for _, uuid, _ in rows])
            forget(statement_id, [email for *_, email in rows])
    Anonymisation.objects.filter(statement_id=statement_id, anonymised_at__isnull=True).update(
        anonymised_at=timezone.now(), signatures=changed
    )
    if changed:
        log.info("anonymised %d signatures of statement %s", changed, statement_id)
    return changed


def anonymise_due(now: datetime | None = None) -> int:
    record_closures(now)
    return sum(anonymise_statement(statement_id) for statement_id in due(now))
