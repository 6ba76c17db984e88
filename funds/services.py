"""What a fighting fund does: record, change and void donations (audited), tally, and show totals."""

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import format_currency
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign import events
from safety.models import AuditEntry
from safety.services import audit

from .models import Donation, Fund

log = logging.getLogger(__name__)

# Fields of a donation that organisers and moderators may record or change.
DONATION_FIELDS = ("amount", "received_on", "method", "reference", "donor_name")


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """An amount for people reading `language` (the active one by default).

    Babel (CLDR data) knows where each language puts the symbol and its separators: £3,526 in
    English, 3.526 £ and 3.526 € in Spanish. Django's number formatting only knows digit
    separators, not currencies. Whole amounts are shown without pence, as appeals usually are.
    """
    locale = _locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    pattern = locale.currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        # The locale's own pattern without its decimals: "¤#,##0.00" -> "¤#,##0".
        pattern = pattern.replace(".00", "").replace(",00", "")
    symbol = _symbol(currency, str(locale)).replace("'", "")
    pattern = pattern.replace("¤", f"'{symbol}'")
    digits = amount != amount.to_integral_value()
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=digits)


@functools.cache
def _symbol(currency: str, locale_id: str) -> str:
    """The currency's symbol for this language, or its symbol at home where the language has none.

    CLDR's Spanish has no symbol of its own for the pound ("GBP"); the symbol the UK uses (CLDR's
    narrow symbol, which Babel does not carry) is what a reader expects beside the English page.
    """
    own = Locale.parse(locale_id).currency_symbols.get(currency, currency)
    if own != currency:
        return own
    territories = get_global("territory_currencies")
    for territory, spans in sorted(territories.items()):
        if any(code == currency and end is None for code, _start, end, *_rest in spans):
            try:
                home = Locale.parse(f"und_{territory}").currency_symbols.get(currency, currency)
            except (UnknownLocaleError, ValueError):
                continue
            if home != currency:
                return home
    return currency


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


@dataclass
class FundSummary:
    fund: Fund
    raised: str
    to_go: str
    target: str
    days_remaining: int | None
    closed: bool
    progress_percent: int
    target_reached: bool


def summary(fund: Fund, now: datetime | None = None, language: str | None = None) -> FundSummary:
    """What the campaign page shows: amounts in the visitor's language, days in the fund's zone."""
    days = fund.days_remaining(now)
    return FundSummary(
        fund=fund,
        raised=format_money(fund.raised, fund.currency, language),
        to_go=format_money(fund.to_go, fund.currency, language),
        target=format_money(fund.target, fund.currency, language),
        days_remaining=days,
        closed=days is None,
        progress_percent=fund.progress_percent,
        target_reached=fund.raised >= fund.target,
    )


# Actions in the audit trail (safety.AuditEntry, object_type "donation", object_id its uuid).
RECORDED, CHANGED, VOIDED = "record donation", "change donation", "void donation"


def _audit(donation: Donation, action: str, actor, details: dict, reason: str = "") -> None:
    actor = actor if getattr(actor, "pk", None) else None
    audit(actor, action, [("donation", donation.uuid, _describe(donation), details)], reason)


def _describe(donation: Donation) -> str:
    return f"{donation.amount} {donation.fund.currency} {donation.get_method_display()} {donation.reference}"


def audit_trail(donation: Donation):
    """The audit entries of one donation, newest first."""
    return AuditEntry.objects.filter(object_type="donation", object_id=str(donation.uuid))


def _jsonable(value):
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value


def _queue_tally(fund_id: int) -> None:
    # With a real beat the periodic tally picks the change up; in-process mode has no beat.
    if settings.TALLY_ON_CONFIRM:
        transaction.on_commit(functools.partial(tally, fund_id))


def record_donation(fund: Fund, actor, **data) -> Donation:
    """Store a donation (validated like a form would) and audit it; the tally adds it later."""
    unknown = set(data) - set(DONATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown donation fields: {sorted(unknown)}")
    donation = Donation(fund=fund, recorded_by=actor if getattr(actor, "pk", None) else None, **data)
    donation.full_clean()
    with transaction.atomic():
        donation.save()
        _audit(
            donation,
            RECORDED,
            actor,
            {name: _jsonable(getattr(donation, name)) for name in DONATION_FIELDS},
        )
        _queue_tally(fund.pk)
        events.publish(events.DONATION_RECORDED, campaign_id=fund.campaign_id, ref=donation.uuid)
    return donation


def change_donation(donation: Donation, actor, reason: str = "", **changes) -> Donation:
    """Change a donation that is not void; the audit keeps each field's value before and after."""
    unknown = set(changes) - set(DONATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown donation fields: {sorted(unknown)}")
    with transaction.atomic():
        current = Donation.objects.select_for_update().get(pk=donation.pk)
        if current.is_void:
            raise ValidationError(_("A void donation cannot be changed."))
        diff = {}
        for name, value in changes.items():
            before = getattr(current, name)
            setattr(current, name, value)
            if before != value:
                diff[name] = [_jsonable(before), _jsonable(value)]
        if not diff:
            return current
        current.full_clean()
        current.tallied = False
        current.save(update_fields=[*changes, "tallied"])
        _audit(current, CHANGED, actor, diff, reason)
        _queue_tally(current.fund_id)
    return current


def void_donation(donation: Donation, actor, reason: str) -> bool:
    """Void a donation (it stops counting; the row stays). Returns False if it was already void."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this donation is being voided."))
    with transaction.atomic():
        updated = Donation.objects.filter(pk=donation.pk, voided_at__isnull=True).update(
            voided_at=timezone.now(),
            voided_by=actor if getattr(actor, "pk", None) else None,
            void_reason=reason[:1000],
            tallied=False,
        )
        if not updated:
            return False
        _audit(donation, VOIDED, actor, {"amount": _jsonable(donation.amount)}, reason)
        _queue_tally(donation.fund_id)
    donation.refresh_from_db()
    return True


def tally(fund_id: int) -> bool:
    """Bring the fund's total up to date with one UPDATE; return whether anything had changed.

    Donations are few (hundreds, not millions), so the total is simply re-summed from the
    donations that are not void — every run is a full recount and cannot drift. The work is
    claimed first (tallied=True on changed donations, under the fund row lock): a change that
    commits after the claim sets tallied=False again and is summed by the next run.
    """
    with transaction.atomic():
        locked = Fund.objects.select_for_update(no_key=True).filter(pk=fund_id).exists()
        if not locked:
            return False
        claimed = Donation.objects.filter(fund_id=fund_id, tallied=False).update(tallied=True)
        if not claimed:
            return False
        total = Donation.objects.filter(fund_id=fund_id, voided_at__isnull=True).aggregate(
            total=Coalesce(Sum("amount"), Value(Decimal("0")))
        )["total"]
        Fund.objects.filter(pk=fund_id).update(raised=total, counted_at=timezone.now())
    return True


def recount(fund_id: int) -> None:
    """Re-sum the fund's total whatever the donations' state (a moderator's "correct the total")."""
    with transaction.atomic():
        Donation.objects.filter(fund_id=fund_id).update(tallied=False)
    tally(fund_id)


def funds_to_tally() -> list[int]:
    return list(Donation.objects.filter(tallied=False).values_list("fund_id", flat=True).distinct())
