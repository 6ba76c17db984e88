"""API keys of a campaign and the log of every request made with them.

A key is shown once when it is created; only its SHA-256 digest is kept. Keys are 256 random bits,
so a fast digest is enough (there is nothing to brute-force, unlike a password), and the lookup by
digest is one indexed query per request.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. “CRM sync”."))
    scope = models.CharField(_("access"), max_length=5, choices=Scope.choices, default=Scope.READ)
    # The first characters of the key, shown in the dashboard so an owner can tell keys apart.
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiKeyUse(models.Model):
    """One row per request made with a key: when, what, and the answer's status."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["key", "-at"])]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class OfflineConfirmation(models.Model):
    """A signature the key's holder added as already confirmed (signed in front of them): no
    confirmation mail was sent, so this record says who vouched for it."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="offline_confirmations")
    signature = models.OneToOneField(
        "petitions.Signature", on_delete=models.CASCADE, related_name="offline_confirmation"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.signature_id} confirmed offline with {self.key}"


def validate_webhook_url(url: str) -> None:
    from .webhooks import url_problem

    problem = url_problem(url)
    if problem:
        raise ValidationError(problem)


class Webhook(models.Model):
    """An address of the campaign's own tools that is told, by an HTTP POST, when something happens.

    Deliveries are outbox rows (channel "webhook"): retried with backoff, one per event and webhook.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("address"), max_length=500, validators=[validate_webhook_url])
    # Signs each delivery (HMAC-SHA256); shown to the owner once, when the webhook is added.
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign"], condition=Q(disabled_at__isnull=True), name="webhook_active")
        ]

    def __str__(self):
        return self.url
