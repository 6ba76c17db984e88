"""A campaign's fighting fund and the donations recorded against it.

The total raised is kept on the fund by a periodic tally (see services.tally), never updated per
donation. Donations are never deleted: a mistaken one is voided with a reason, and every change
to a donation leaves an entry in the audit trail (safety.AuditEntry).
"""

import functools
import uuid
import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from petitions.models import visible_percent


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in _time_zones():
        raise ValidationError(
            _("“%(name)s” is not a time zone name like Europe/London."), params={"name": name}
        )


def validate_currency(code: str) -> None:
    if code not in list_currencies():
        raise ValidationError(_("“%(code)s” is not a currency code like GBP or EUR."), params={"code": code})


def validate_https_url(url: str) -> None:
    if url and not url.lower().startswith("https://"):
        raise ValidationError(_("The payment page must be an https:// address."))


class Fund(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="fund")
    target = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    currency = models.CharField(
        max_length=3, default="GBP", validators=[validate_currency], help_text=_("ISO code: GBP, EUR, PEN…")
    )
    deadline = models.DateField(help_text=_("The last day of the appeal, in the fund's time zone."))
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text=_("The campaign's time zone, in which the days remaining are counted."),
    )
    payment_url = models.URLField(
        _("payment page"),
        max_length=500,
        blank=True,
        validators=[validate_https_url],
        help_text=_("Where the “Donate today” button goes (https:// only)."),
    )
    # Maintained by the tally task from the donations that are not voided.
    raised = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"), editable=False)
    counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its target, currency, deadline or payment page last changed (a trigger: api.sync).
    modified_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Fund for {self.campaign}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self, now: datetime | None = None) -> date:
        """Today's date where the campaign is, which is what its deadline means."""
        return timezone.localtime(now or timezone.now(), self.tz).date()

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.today(now) > self.deadline

    def days_remaining(self, now: datetime | None = None) -> int | None:
        """Whole days left after today (0 on the last day); None once the appeal has closed."""
        if self.is_closed(now):
            return None
        return (self.deadline - self.today(now)).days

    @property
    def donate_url(self) -> str:
        """The payment page; a Stripe Payment Link is told which fund the payment is for."""
        if self.payment_url.startswith("https://buy.stripe.com/"):
            separator = "&" if "?" in self.payment_url else "?"
            return f"{self.payment_url}{separator}client_reference_id={self.uuid}"
        return self.payment_url

    @property
    def to_go(self) -> Decimal:
        return max(Decimal("0"), self.target - self.raised)

    @property
    def progress_percent(self) -> int:
        return visible_percent(self.raised, self.target)


class Donation(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        COLLECTION = "collection", _("Collection at an event")
        ONLINE = "online", _("Online")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    received_on = models.DateField(_("date received"), default=timezone.localdate)
    method = models.CharField(max_length=12, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True)
    donor_name = models.CharField(_("donor name (optional)"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    void_reason = models.TextField(max_length=1000, blank=True, editable=False)
    # When this donation last changed; kept by a database trigger (api.sync), like Signature's.
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    # False while a change to this donation is not yet reflected in fund.raised.
    tallied = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [
            models.Index(fields=["fund"], condition=Q(tallied=False), name="donation_untallied"),
            models.Index(fields=["fund", "modified_at", "uuid"], name="donation_sync"),
        ]

    def __str__(self):
        return f"{self.amount} {self.fund.currency} ({self.get_method_display()}, {self.received_on})"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class StripeEvent(models.Model):
    """A Stripe webhook event already handled: Stripe retries and may deliver an event twice."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)
    donation = models.ForeignKey(Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return self.event_id
