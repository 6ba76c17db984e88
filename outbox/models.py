"""One row per message the platform owes someone: what, to whom, when, and how its sending went."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        # A permanent refusal (SMTP 5xx), or temporary failures until OUTBOX_MAX_ATTEMPTS.
        FAILED = "failed", _("Failed")
        # Its builder found nothing to send any more (signature withdrawn, event over, ...).
        DROPPED = "dropped", _("Not needed any more")

    # Stable for the life of the message: its Message-ID, so a resend is the same message.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # "<app>.<kind>": which registered builder makes the message (outbox.registry).
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, default="email")
    to = models.CharField(max_length=500)
    # The domain object the message is about (its id as a string), for the builder.
    ref = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # Plain ids, not foreign keys: the outbox sits below every app and imports none of them.
    statement_id = models.BigIntegerField(null=True, blank=True)
    campaign_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    due_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The sender holding this row, until when; an expired lease makes the row claimable again.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # What a sender claims: pending rows by due time.
            models.Index(fields=["channel", "due_at"], condition=Q(status="pending"), name="outbox_due"),
            models.Index(fields=["statement_id", "status"], name="outbox_statement_status"),
            models.Index(fields=["kind", "ref"], name="outbox_kind_ref"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to} ({self.status})"


class Suppression(models.Model):
    """An address no mail goes to any more: the provider reported a hard bounce or a complaint.

    Kept as a keyed hash of the canonical address, like unsubscribes, so the list outlives the
    anonymisation of the signatures it came from without keeping the address itself.
    """

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Bounced")
        COMPLAINT = "complaint", _("Complained (marked as spam)")

    address_hash = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # Which provider reported it, as anymail names it ("Postmark", "Amazon SES", ...).
    esp = models.CharField(_("provider"), max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.address_hash[:12]}…)"


class PurgedCount(models.Model):
    """Messages the retention purge deleted, per statement and outcome: the dashboard's and /metrics'
    counts of sent, failed and suppressed mail keep adding up after the rows are gone.

    statement_id 0 stands for messages about no statement (events, invitations, accounts).
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Not sent: the address bounced or complained")
        DROPPED = "dropped", _("Not needed any more")

    statement_id = models.BigIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement_id", "outcome"], name="one_purged_count_per_outcome"),
        ]

    def __str__(self):
        return f"{self.count} {self.outcome} (statement {self.statement_id or '-'})"
