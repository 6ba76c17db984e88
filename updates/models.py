import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from petitions.models import Signature, Statement
from petitions.text import render_markdown


class Update(models.Model):
    """An email that organisers write to the confirmed signers of a statement who agreed to be contacted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="updates")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=20000, help_text=_("Markdown. HTML is sanitised."))
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Progress, maintained as the outbox sends (updates.emails).
    recipients = models.PositiveIntegerField(default=0, editable=False)
    sent_count = models.PositiveIntegerField(default=0, editable=False)
    skipped_count = models.PositiveIntegerField(default=0, editable=False)
    # A second member's approval, where the campaign asks for one (Policy); any edit clears it.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    @property
    def campaign(self) -> Campaign:
        return self.statement.campaign

    @property
    def version(self) -> str:
        """A fingerprint of what signers would receive: a send confirms this version and no other."""
        return hashlib.sha256(f"{self.subject}\0{self.body}".encode()).hexdigest()[:16]

    @property
    def progress_percent(self) -> int:
        if not self.recipients:
            return 100 if self.status == self.Status.SENT else 0
        return min(100, round(100 * (self.sent_count + self.skipped_count) / self.recipients))


class Policy(models.Model):
    """How a campaign's updates go out. Without a row: any owner sends, with no second approval."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="update_policy")
    needs_approval = models.BooleanField(
        _("updates need a second member's approval"),
        default=False,
        help_text=_(
            "An update then goes out only once a member other than the owner who sends it has approved it."
        ),
    )

    def __str__(self):
        return f"Update policy of {self.campaign}"


class Delivery(models.Model):
    """One recipient of one update: the row that makes each recipient receive it exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        # Unsubscribed or withdrawn between the start of the sending and this recipient's turn.
        SKIPPED = "skipped", _("Skipped")

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="deliveries")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "signature"], name="one_delivery_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["update", "id"], condition=Q(status="pending"), name="delivery_pending"),
        ]

    def __str__(self):
        return f"{self.update} to signature {self.signature_id}: {self.status}"


class Unsubscribe(models.Model):
    """Someone who asked for no more updates from a campaign.

    Keyed by a keyed hash of the normalised email address, not the address itself, so the record
    outlives the anonymisation of the signatures it came from without keeping personal data.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="unsubscribes")
    email_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_hash"], name="one_unsubscribe_per_campaign"),
        ]

    def __str__(self):
        return f"Unsubscribed from {self.campaign}"
