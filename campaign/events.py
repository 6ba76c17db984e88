"""What happened, told in the transaction it happened in: "signature.confirmed", "donation.recorded".

Domain services publish; apps above them (the organisers' API, for its webhooks) subscribe when
Django starts. A subscriber runs inside the publisher's transaction, so whatever it writes (an
outbox row per webhook) commits or rolls back with the change itself, and it must do nothing slow:
no network, one or two queries. The domain apps import only this module, never their subscribers.
"""

from collections.abc import Callable

SIGNATURE_CONFIRMED = "signature.confirmed"
SIGNATURE_WITHDRAWN = "signature.withdrawn"
ATTENDEE_REGISTERED = "attendee.registered"
ATTENDEE_CANCELLED = "attendee.cancelled"
DONATION_RECORDED = "donation.recorded"
ALL = (SIGNATURE_CONFIRMED, SIGNATURE_WITHDRAWN, ATTENDEE_REGISTERED, ATTENDEE_CANCELLED, DONATION_RECORDED)

_subscribers: list[Callable] = []


def subscribe(subscriber: Callable) -> Callable:
    """Register subscriber(event, campaign_id=…, ref=…); registering the same function twice is a no-op."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def publish(event: str, *, campaign_id: int, ref) -> None:
    """Tell every subscriber that `event` happened to the object whose public id is `ref`."""
    assert event in ALL, event
    for subscriber in _subscribers:
        subscriber(event, campaign_id=campaign_id, ref=str(ref))
