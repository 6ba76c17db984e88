"""Block lists and the audit trail: what the abuse checks read and what every moderation writes.

Both tables keep the names they had in the moderation app (db_table), where they were created.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.addresses import canonical_email


class BlockRule(models.Model):
    """An email address, a domain (``*.example.com`` for its subdomains too) or an IP range.

    Signatures that match are stored held for review, silently: the signer sees the usual page.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        DOMAIN = "domain", _("Email domain")
        IP = "ip", _("IP address or range (CIDR)")

    kind = models.CharField(max_length=6, choices=Kind.choices)
    value = models.CharField(
        max_length=254,
        help_text=_(
            "An email address; a domain such as example.com, or *.example.com for the domain and all "
            "its subdomains; or an IP address or range such as 203.0.113.0/24 or 2001:db8::/32."
        ),
    )
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_block_rule_per_value")]
        verbose_name = _("block rule")
        db_table = "moderation_blockrule"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = normalize_rule(self.kind, self.value)


def normalize_rule(kind: str, value: str) -> str:
    """The canonical form of a rule's value; raises ValidationError if it is not one."""
    value = (value or "").strip().lower()
    if kind == BlockRule.Kind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"value": _("Enter a valid email address.")})
        # Signatures are screened by their canonical address, so "a.b+x@gmail.com" blocks "ab@gmail.com".
        return canonical_email(value)
    if kind == BlockRule.Kind.DOMAIN:
        wildcard = value.startswith("*.")
        domain = value[2:] if wildcard else value
        labels = domain.split(".")
        if len(labels) < 2 or not all(labels) or "@" in domain or "*" in domain or " " in domain:
            raise ValidationError({"value": _("Enter a domain such as example.com or *.example.com.")})
        return f"*.{domain}" if wildcard else domain
    if kind == BlockRule.Kind.IP:
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValidationError({"value": _("Enter an IP address or a range such as 203.0.113.0/24.")})
    raise ValidationError({"kind": _("Choose what to block.")})


class AuditEntry(models.Model):
    """One thing a moderator or organiser did. Written by safety.services.audit only; never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is deleted later.
    actor_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(max_length=1000, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        db_table = "moderation_auditentry"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
