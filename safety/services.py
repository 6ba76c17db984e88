"""The audit trail's one writer: moderators' decisions, organisers' money records, admin edits."""

from django.utils import timezone

from .models import AuditEntry


def actor_name(actor) -> str:
    return actor.get_username() if actor is not None else "system"


def audit(actor, action: str, entries: list[tuple[str, str, str, dict]], reason: str = "") -> int:
    """Record one audit entry per (object_type, object_id, object_repr, details); return how many."""
    now = timezone.now()
    name = actor_name(actor)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_name=name,
                created_at=now,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                object_repr=object_repr[:200],
                reason=reason[:1000],
                details=details,
            )
            for object_type, object_id, object_repr, details in entries
        ],
        batch_size=500,
    )
    return len(entries)
