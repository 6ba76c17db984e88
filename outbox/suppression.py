"""The suppression list: addresses that bounced or complained get no further mail of any kind.

Providers report bounces and complaints to their anymail webhook (/anymail/<provider>/tracking/);
on_tracking() puts the address on the list, and the sender drops every message to it. A complaint
also sends `complained`, so that apps that keep subscriptions (updates) unsubscribe the address:
the outbox sits below them and imports none of them.
"""

import hashlib
import hmac
import logging

from anymail.signals import EventType, RejectReason
from django.conf import settings
from django.db.models import Count
from django.dispatch import Signal
from django.utils import timezone

from campaign.addresses import canonical_email

from .models import Suppression

log = logging.getLogger(__name__)

# Sent with `address` when a provider reports a complaint about mail to it.
complained = Signal()

# OutboxMessage.last_error of a message dropped because its address is suppressed.
SUPPRESSED = "suppressed: "

# What makes a bounce final: not a virus or policy refusal ("other", "blocked"), which the next
# message may pass.
HARD = {RejectReason.BOUNCED, RejectReason.INVALID}


def address_hash(address: str) -> str:
    key = settings.IP_HASH_KEY.encode()
    return hmac.new(key, canonical_email(address).encode(), hashlib.sha256).hexdigest()


def suppress(address: str, reason: str, *, esp: str = "") -> Suppression:
    """Put the address on the list; a complaint outranks an earlier bounce, never the reverse."""
    digest = address_hash(address)
    entry, created = Suppression.objects.get_or_create(
        address_hash=digest, defaults={"reason": reason, "esp": esp}
    )
    if not created and reason == Suppression.Reason.COMPLAINT and entry.reason != reason:
        Suppression.objects.filter(pk=entry.pk).update(reason=reason, esp=esp, updated_at=timezone.now())
        entry.reason = reason
    return entry


def suppressed_reasons(addresses) -> dict[str, str]:
    """{address: reason} for those of the addresses that are suppressed (one query)."""
    by_hash = {address_hash(address): address for address in addresses if address}
    found = Suppression.objects.filter(address_hash__in=by_hash).values_list("address_hash", "reason")
    return {by_hash[digest]: reason for digest, reason in found}


def is_suppressed(address: str) -> bool:
    """For mail still sent outside the outbox's sender (which checks a whole batch at once)."""
    return bool(address) and Suppression.objects.filter(address_hash=address_hash(address)).exists()


def counts() -> dict[str, int]:
    """{reason: how many addresses}, every reason present."""
    found = dict(Suppression.objects.values_list("reason").annotate(n=Count("pk")).order_by())
    return {reason: found.get(reason, 0) for reason in Suppression.Reason.values}


def on_tracking(sender, event, esp_name, **kwargs):
    """anymail's tracking signal: a hard bounce or a complaint suppresses the recipient."""
    if not event.recipient:
        return
    if event.event_type == EventType.COMPLAINED:
        suppress(event.recipient, Suppression.Reason.COMPLAINT, esp=esp_name)
        complained.send(sender=Suppression, address=event.recipient)
    elif (event.event_type == EventType.BOUNCED and event.reject_reason in {*HARD, None}) or (
        # The provider refused to send because the address bounced before or does not exist.
        event.event_type == EventType.REJECTED and event.reject_reason in HARD
    ):
        suppress(event.recipient, Suppression.Reason.BOUNCE, esp=esp_name)
    else:
        return
    log.info("outbox: %s reported a %s; the address is suppressed", esp_name, event.event_type)
