import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Role
from petitions.models import Signature, Statement


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed, expiring, single-use invitation to join a campaign."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ORGANISER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.campaign}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and not self.is_expired


class ExportLog(models.Model):
    """Who exported which list, when, with which filters, and how many rows."""

    class Kind(models.TextChoices):
        SIGNATORIES = "signatories", _("Signatories (CSV)")
        PUBLICATION_CSV = "publication_csv", _("Publication list (CSV)")
        PUBLICATION_TEXT = "publication_txt", _("Publication list (text)")
        ATTENDEES = "attendees", _("Event attendees (CSV)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="export_logs")
    statement = models.ForeignKey(Statement, on_delete=models.SET_NULL, null=True, related_name="export_logs")
    statement_title = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept if the account is deleted: the log must still say who exported.
    user_email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SIGNATORIES)
    filters = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    # Set when the last row has been sent; None if the download was interrupted.
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["campaign", "-started_at"])]

    def __str__(self):
        return f"{self.user_email} exported {self.statement_title} at {self.started_at:%Y-%m-%d %H:%M}"


class PaperImport(models.Model):
    """A batch of signatures collected on paper and uploaded as one CSV file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="paper_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    # Where and when the paper forms were collected, as the organiser wrote it.
    source = models.CharField(_("where the forms were collected"), max_length=200, blank=True)
    # What the organiser declared about the paper forms (the wording they ticked), and when: paper
    # signatures are counted as confirmed on that declaration.
    declaration = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    signatures = models.ManyToManyField(Signature, related_name="+", blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.imported} signatures)"
