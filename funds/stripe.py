"""Online donations through Stripe Checkout or Payment Links, recorded from Stripe's webhook.

The webhook is trusted only when its Stripe-Signature header verifies, as the stripe library checks
it: HMAC-SHA256 of "<timestamp>.<raw body>" with the endpoint's signing secret
(STRIPE_WEBHOOK_SECRET), the timestamp within STRIPE_WEBHOOK_TOLERANCE seconds. Each event is
handled once: its id is stored in the same transaction as the donation, so a retried or duplicated
delivery records nothing twice.

A paid `checkout.session.completed` whose client_reference_id (or metadata.fund) is a fund's uuid
becomes an online donation of that fund, in the fund's currency only.
"""

import json
import logging
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import stripe
from babel.numbers import get_currency_precision
from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import Donation, Fund, StripeEvent

log = logging.getLogger(__name__)


def verify(payload: bytes, header: str, secret: str, tolerance: int) -> None:
    """Raise stripe.SignatureVerificationError unless the header signs this payload with this secret,
    within `tolerance` seconds."""
    stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=tolerance)


def _fund_for(session: dict) -> Fund | None:
    reference = session.get("client_reference_id") or (session.get("metadata") or {}).get("fund") or ""
    try:
        fund_uuid = uuid.UUID(str(reference))
    except ValueError:
        return None
    return Fund.objects.filter(uuid=fund_uuid).first()


def _donation_from(event: dict) -> Donation | None:
    session = (event.get("data") or {}).get("object") or {}
    if session.get("payment_status") != "paid":
        return None
    fund = _fund_for(session)
    if fund is None:
        log.warning("Stripe event %s is for no known fund; ignored", event.get("id"))
        return None
    currency = str(session.get("currency") or "").upper()
    minor_units = session.get("amount_total")
    if currency != fund.currency or not isinstance(minor_units, int) or minor_units <= 0:
        log.warning(
            "Stripe event %s: %s %s does not fit fund %s", event.get("id"), minor_units, currency, fund.pk
        )
        return None
    amount = Decimal(minor_units).scaleb(-get_currency_precision(currency))
    created = datetime.fromtimestamp(int(event.get("created") or time.time()), UTC)
    donor = ((session.get("customer_details") or {}).get("name") or "")[:200]
    return services.record_donation(
        fund,
        None,
        amount=amount,
        method=Donation.Method.ONLINE,
        reference=str(session.get("id") or "")[:100],
        donor_name=donor,
        received_on=fund.today(created),
    )


def handle(event: dict) -> Donation | None:
    """Handle one verified event, once. Returns the donation it recorded, if any."""
    event_id = str(event.get("id") or "")
    if not event_id:
        raise ValueError("event without id")
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event_id, type=str(event.get("type", ""))[:100])
            donation = _donation_from(event) if event.get("type") == "checkout.session.completed" else None
            if donation is not None:
                record.donation = donation
                record.save(update_fields=["donation"])
    except IntegrityError:
        return None  # delivered before: already handled
    return donation


@csrf_exempt  # a server-to-server call, authenticated by its signature instead
@require_POST
def webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise Http404
    try:
        verify(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            secret,
            settings.STRIPE_WEBHOOK_TOLERANCE,
        )
        event = json.loads(request.body)
        if not isinstance(event, dict):
            raise ValueError("not an object")
        handle(event)
    except (stripe.SignatureVerificationError, ValueError, TypeError, AttributeError, DataError) as error:
        # The last three: a signed event of an unexpected shape (a field that is not an object, an id
        # too long or with a NUL for the database).
        log.warning("Stripe webhook refused: %s", error)
        return HttpResponseBadRequest("invalid webhook")
    return HttpResponse("ok")
