"""What moderators do: decide listings, exclude or restore signatures, re-send mail, approve content.

Every function here takes the acting user and a reason, changes many rows in a bounded number of
queries (a moderator clears 500 listings at once), and writes one audit entry per object changed.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from events import services as events
from events.models import Event, EventRevision
from petitions import revisions
from petitions import services as petitions
from petitions.models import Signature, Statement, StatementRevision
from safety.services import actor_name, audit

LISTING_DECISIONS = {
    "approve": Signature.Listing.APPROVED,
    "reject": Signature.Listing.REJECTED,
    "hide": Signature.Listing.HIDDEN,
}


def _signature_repr(row: dict) -> str:
    if row.get("organisation"):
        return f"{row['organisation']} ({row['name']})"[:200]
    return row["name"][:200]


def _signature_rows(ids, **filters) -> list[dict]:
    return list(
        Signature.objects.filter(pk__in=ids, **filters).values(
            "pk", "uuid", "name", "organisation", "status", "listing", "notable", "statement_id", "counted"
        )
    )


def _audit_signatures(actor, action, rows, reason, details) -> int:
    return audit(
        actor,
        action,
        [("signature", row["uuid"], _signature_repr(row), details(row)) for row in rows],
        reason,
    )


def decide_listing(actor, signature_ids, decision: str, reason: str = "") -> int:
    """Approve, reject or hide public listings; return how many changed."""
    listing = LISTING_DECISIONS[decision]
    with transaction.atomic():
        rows = _signature_rows(signature_ids)
        rows = [row for row in rows if row["listing"] != listing]
        Signature.objects.filter(pk__in=[row["pk"] for row in rows]).update(listing=listing)
        return _audit_signatures(
            actor,
            f"listing {decision}",
            rows,
            reason,
            lambda row: {"listing": [row["listing"], listing]},
        )


def set_notable(actor, signature_ids, notable: bool, reason: str = "") -> int:
    """Feature signatories at the top of the public list (or stop featuring them)."""
    with transaction.atomic():
        rows = [row for row in _signature_rows(signature_ids) if row["notable"] != notable]
        Signature.objects.filter(pk__in=[row["pk"] for row in rows]).update(notable=notable)
        return _audit_signatures(actor, "notable" if notable else "not notable", rows, reason, lambda row: {})


def exclude(actor, signature_ids, status: str, reason: str = "") -> int:
    """Mark signatures invalid or fraudulent; statement totals are corrected in the same transaction."""
    with transaction.atomic():
        rows = [row for row in _signature_rows(signature_ids) if row["status"] != status]
        petitions.exclude_from_totals([row["pk"] for row in rows], status)
        return _audit_signatures(
            actor,
            f"mark {status}",
            rows,
            reason,
            lambda row: {"status": [row["status"], status], "was_counted": row["counted"]},
        )


def restore(actor, signature_ids, reason: str = "") -> int:
    """Release held signatures and undo exclusions (see petitions.services.restore)."""
    with transaction.atomic():
        rows = _signature_rows(signature_ids, status__in=petitions.RESTORABLE)
        petitions.restore([row["pk"] for row in rows])
        after = dict(Signature.objects.filter(pk__in=[row["pk"] for row in rows]).values_list("pk", "status"))
        return _audit_signatures(
            actor, "restore", rows, reason, lambda row: {"status": [row["status"], after.get(row["pk"])]}
        )


def resend_confirmation(actor, signature_ids, reason: str = "") -> int:
    """Queue the confirmation mail again for pending signatures (within the per-signature limit)."""
    with transaction.atomic():
        queued = petitions.request_confirmation_mail(list(signature_ids))
        rows = _signature_rows(queued)
        return _audit_signatures(actor, "resend confirmation", rows, reason, lambda row: {})


def approve_statements(actor, statement_ids, reason: str = "") -> int:
    """Let statements written by organisers who are not staff go public."""
    with transaction.atomic():
        rows = list(
            Statement.objects.filter(pk__in=statement_ids, approved_at__isnull=True).values_list(
                "pk", "title"
            )
        )
        now = timezone.now()
        Statement.objects.filter(pk__in=[pk for pk, _title in rows]).update(approved_at=now)
        return audit(actor, "approve statement", [("statement", pk, title, {}) for pk, title in rows], reason)


def approve_events(actor, event_ids, reason: str = "") -> int:
    """Let events made by organisers who are not staff go public."""
    with transaction.atomic():
        waiting = Event.objects.filter(pk__in=event_ids, approved_at__isnull=True)
        rows = list(waiting.values_list("pk", "title"))
        Event.objects.filter(pk__in=[pk for pk, _title in rows]).update(approved_at=timezone.now())
        return audit(actor, "approve event", [("event", pk, title, {}) for pk, title in rows], reason)


def _publish_statement_revision(revision: StatementRevision) -> None:
    statement = Statement.objects.select_for_update().get(pk=revision.statement_id)
    revisions.apply(statement, revision.changes).save()


# How an approved revision is published: a statement is saved; an event also tells its attendees.
PUBLISH = {
    StatementRevision: _publish_statement_revision,
    EventRevision: events.apply_revision,
}


def decide_revisions(actor, model, revision_ids, approve: bool, reason: str = "") -> int:
    """Publish (approve) or drop (reject) pending edits to approved statements or events.

    The audit entry is on the statement or event, with the fields the edit changed.
    """
    model = model._meta.concrete_model
    publish, object_type = PUBLISH[model], model.revises
    decision = model.Decision.APPROVED if approve else model.Decision.REJECTED
    with transaction.atomic():
        pending = list(
            model.objects.select_for_update()
            .filter(pk__in=revision_ids, decision=model.Decision.PENDING)
            .select_related(model.revises)
        )
        for revision in pending:
            if approve:
                publish(revision)
            revision.decision, revision.decided_at = decision, timezone.now()
            revision.save(update_fields=["decision", "decided_at"])
        return audit(
            actor,
            f"{'approve' if approve else 'reject'} {object_type} edit",
            [
                (
                    object_type,
                    revision.revised.pk,
                    str(revision.revised),
                    {"changed": sorted(revision.changes), "author": actor_name(revision.author)},
                )
                for revision in pending
            ],
            reason,
        )


def record_change(actor, object_type: str, object_id, object_repr: str, details: dict) -> None:
    """One audit entry for an edit made through an admin change form."""
    audit(actor, "change", [(object_type, object_id, object_repr, details)])


# --- Trending -------------------------------------------------------------------------------------


@dataclass
class Trend:
    statement: Statement
    kind: str  # "ip" or "domain"
    value: str
    count: int
    held: int
    share: float
    first: object
    last: object


def trending(hours: int = 1, limit: int = 100) -> list[Trend]:
    """IP hashes and email domains signing unusually often in the last hours, per statement.

    Three aggregate queries over the created_at index: per (statement, IP hash), per (statement,
    domain) and per statement. "Unusual" is at least TRENDING_MIN_PER_IP (or _PER_DOMAIN)
    signatures; big webmail domains are left out. Most frequent first.
    """
    since = timezone.now() - timedelta(hours=hours)
    recent = Signature.objects.filter(created_at__gte=since).order_by()
    stats = {
        "count": Count("pk"),
        "held": Count("pk", filter=Q(status=Signature.Status.HELD)),
        "first": Min("created_at"),
        "last": Max("created_at"),
    }
    by_ip = (
        recent.exclude(ip_hash="")
        .values("statement_id", "ip_hash")
        .annotate(**stats)
        .filter(count__gte=settings.TRENDING_MIN_PER_IP)
        .order_by("-count")[:limit]
    )
    by_domain = (
        recent.exclude(email_domain="")
        .exclude(email_domain__in=settings.RATE_LIMIT_DOMAIN_ALLOWLIST)
        .values("statement_id", "email_domain")
        .annotate(**stats)
        .filter(count__gte=settings.TRENDING_MIN_PER_DOMAIN)
        .order_by("-count")[:limit]
    )
    trends = [("ip", row, row["ip_hash"]) for row in by_ip]
    trends += [("domain", row, row["email_domain"]) for row in by_domain]
    if not trends:
        return []
    statement_ids = {row["statement_id"] for _kind, row, _value in trends}
    totals = dict(
        recent.filter(statement_id__in=statement_ids)
        .values("statement_id")
        .annotate(n=Count("pk"))
        .values_list("statement_id", "n")
    )
    statements = Statement.objects.select_related("campaign").in_bulk(statement_ids)
    result = [
        Trend(
            statement=statements[row["statement_id"]],
            kind=kind,
            value=value,
            count=row["count"],
            held=row["held"],
            share=row["count"] / max(totals.get(row["statement_id"], 0), 1),
            first=row["first"],
            last=row["last"],
        )
        for kind, row, value in trends
    ]
    result.sort(key=lambda trend: trend.count, reverse=True)
    return result
