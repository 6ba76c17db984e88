"""What updates to signers do: choose recipients, send in throttled batches exactly once, unsubscribe."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox import suppression
from petitions.models import Campaign, Signature, Statement
from petitions.services import hash_ip, normalize_email

from .models import Delivery, Policy, Unsubscribe, Update

log = logging.getLogger(__name__)


def email_hash(email_normalized: str) -> str:
    """A keyed hash of an address, so unsubscribes are kept without keeping the address."""
    return hash_ip(email_normalized) if email_normalized else ""


def is_unsubscribed(campaign_id: int, email_normalized: str) -> bool:
    return Unsubscribe.objects.filter(
        campaign_id=campaign_id, email_hash=email_hash(email_normalized)
    ).exists()


def consenting_signatures(statement: Statement) -> QuerySet[Signature]:
    """Confirmed signers of the statement who agreed to be contacted and have an address.

    Withdrawn, held, invalid and pending signatures are not confirmed, so they are never included.
    Unsubscribes are checked against these in Python: they are stored as keyed hashes.
    """
    return Signature.objects.filter(
        statement=statement, status=Signature.Status.CONFIRMED, consent_contact=True
    ).exclude(email_normalized="")


def _unsubscribed_hashes(campaign_id: int) -> set[str]:
    return set(Unsubscribe.objects.filter(campaign_id=campaign_id).values_list("email_hash", flat=True))


def recipient_count(statement: Statement) -> int:
    unsubscribed = _unsubscribed_hashes(statement.campaign_id)
    if not unsubscribed:
        return consenting_signatures(statement).count()
    return sum(
        1
        for email in consenting_signatures(statement).values_list("email_normalized", flat=True).iterator()
        if email_hash(email) not in unsubscribed
    )


def send_test(update: Update, to: str) -> None:
    """Send the update to an organiser, marked as a test; no delivery is recorded."""
    from .emails import update_message

    update_message(update, to, language=translation.get_language() or "", test=True).send()


class CannotSend(Exception):
    """Why an update may not go out (yet): the message is for the person who tried."""


def needs_approval(campaign: Campaign) -> bool:
    return Policy.objects.filter(campaign=campaign, needs_approval=True).exists()


def set_needs_approval(campaign: Campaign, needs: bool) -> None:
    Policy.objects.update_or_create(campaign=campaign, defaults={"needs_approval": needs})


def approve(update: Update, user, version: str) -> None:
    """Record `user`'s approval of the draft as it reads at `version` (what they saw)."""
    with transaction.atomic():
        locked = Update.objects.select_for_update().filter(pk=update.pk, status=Update.Status.DRAFT).first()
        if locked is None:
            raise CannotSend(_("This update is no longer a draft."))
        if locked.version != version:
            raise CannotSend(_("The update was changed after you opened it. Read it again before approving."))
        Update.objects.filter(pk=update.pk).update(approved_by=user, approved_at=timezone.now())
    update.refresh_from_db()


def clear_approval(update: Update) -> None:
    """An edit makes a new text: an earlier approval does not cover it."""
    update.approved_by = None
    update.approved_at = None


def check_sendable(update: Update, sender, *, needs: bool) -> None:
    """Raise CannotSend unless `sender` may send `update` now (the approval rule, if the campaign has it)."""
    if update.status != Update.Status.DRAFT:
        raise CannotSend(_("This update has already been sent."))
    if not needs:
        return
    if update.approved_by_id is None:
        raise CannotSend(_("This campaign asks for a second member's approval before an update goes out."))
    if sender is None or update.approved_by_id == sender.pk:
        raise CannotSend(_("A member other than the one who sends it must approve this update."))


def start_sending(update: Update, *, sender=None, version: str | None = None) -> bool:
    """Freeze the recipient list (one pending delivery per recipient) and queue the first batch.

    Returns False if the update was not a draft (already started by a double click or another
    organiser): the recipients are chosen once. Raises CannotSend if the text changed since the
    sender confirmed `version`, or if the campaign's approval rule is not met.
    """
    from campaign.queue import enqueue_on_commit

    from .tasks import send_update_batch

    needs = needs_approval(update.statement.campaign)
    with transaction.atomic():
        locked = Update.objects.select_for_update().filter(pk=update.pk, status=Update.Status.DRAFT).first()
        if locked is None:
            return False
        if version is not None and locked.version != version:
            raise CannotSend(_("The update was changed after you opened it. Check it again before sending."))
        check_sendable(locked, sender, needs=needs)
        Update.objects.filter(pk=update.pk).update(
            status=Update.Status.SENDING, started_at=timezone.now(), next_batch_at=timezone.now()
        )
        unsubscribed = _unsubscribed_hashes(update.statement.campaign_id)
        total = 0
        batch: list[Delivery] = []
        rows = consenting_signatures(update.statement).order_by("pk").values_list("pk", "email_normalized")
        for signature_id, email in rows.iterator(chunk_size=2000):
            if email_hash(email) in unsubscribed:
                continue
            batch.append(Delivery(update_id=update.pk, signature_id=signature_id))
            if len(batch) >= 2000:
                total += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        if batch:
            total += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
        Update.objects.filter(pk=update.pk).update(recipients=total)
        enqueue_on_commit(send_update_batch, update.pk)
    update.refresh_from_db()
    return True


def claim_batch(update_id: int, interval_seconds: float) -> bool:
    """Take the next batch slot of a sending update; False if it is not due yet or not sending.

    This is the throttle, and it keeps one chain of batches per update even if the sweep queues a
    second one while the first is still alive.
    """
    now = timezone.now()
    return bool(
        Update.objects.filter(pk=update_id, status=Update.Status.SENDING, next_batch_at__lte=now).update(
            next_batch_at=now + timezone.timedelta(seconds=interval_seconds)
        )
    )


def postpone(update_id: int, seconds: float) -> None:
    Update.objects.filter(pk=update_id, status=Update.Status.SENDING).update(
        next_batch_at=timezone.now() + timezone.timedelta(seconds=seconds)
    )


def _still_wanted(delivery: Delivery, campaign: Campaign) -> bool:
    signature = delivery.signature
    return (
        signature.status == Signature.Status.CONFIRMED
        and signature.consent_contact
        and bool(signature.email)
        and not is_unsubscribed(campaign.pk, signature.email_normalized)
        # The address bounced or complained (reported by the mail provider).
        and not suppression.is_suppressed(signature.email)
    )


def send_one(delivery_id: int) -> str | None:
    """Send one pending delivery; return its new status, or None if it was not pending.

    The delivery row stays locked while the message goes to the SMTP server and is marked sent in
    the same transaction: a concurrent batch skips it, and an SMTP failure rolls back so a retry
    sends it. A recipient who unsubscribed or withdrew since the sending started is skipped.
    """
    from .emails import update_message

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("signature", "update__statement__campaign")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        update = delivery.update
        if _still_wanted(delivery, update.statement.campaign):
            signature = delivery.signature
            update_message(update, signature.email, signature=signature, language=signature.language).send()
            status, counter = Delivery.Status.SENT, "sent_count"
        else:
            status, counter = Delivery.Status.SKIPPED, "skipped_count"
        Delivery.objects.filter(pk=delivery.pk).update(status=status, sent_at=timezone.now())
        Update.objects.filter(pk=update.pk).update(**{counter: F(counter) + 1})
    return status


def send_batch(update_id: int, size: int | None = None) -> int:
    """Send up to `size` pending deliveries of an update; return how many are still pending.

    Marks the update sent when none are left.
    """
    size = size or settings.UPDATES_BATCH_SIZE
    if not Update.objects.filter(pk=update_id, status=Update.Status.SENDING).exists():
        return 0
    ids = list(
        Delivery.objects.filter(update_id=update_id, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    for delivery_id in ids:
        send_one(delivery_id)
    remaining = Delivery.objects.filter(update_id=update_id, status=Delivery.Status.PENDING).count()
    if not remaining:
        Update.objects.filter(pk=update_id, status=Update.Status.SENDING).update(
            status=Update.Status.SENT, finished_at=timezone.now(), next_batch_at=None
        )
    return remaining


def stalled_updates(grace_seconds: float = 300) -> list[int]:
    """Sending updates whose batch chain stopped (task lost, worker killed): the sweep restarts them."""
    cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
    return list(
        Update.objects.filter(status=Update.Status.SENDING, next_batch_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )


def unsubscribe(signature_uuid: str) -> Campaign | None:
    """Stop all later updates of the signature's campaign to its address. Idempotent.

    Returns the campaign, or None if the signature is unknown or no longer holds an address.
    Consent to contact is also withdrawn on every signature of that address in the campaign.
    """
    signature = Signature.objects.select_related("statement__campaign").filter(uuid=signature_uuid).first()
    if signature is None:
        return None
    campaign = signature.statement.campaign
    if not signature.email_normalized or not signature.email:
        return campaign
    Unsubscribe.objects.bulk_create(
        [Unsubscribe(campaign=campaign, email_hash=email_hash(signature.email_normalized))],
        ignore_conflicts=True,
    )
    Signature.objects.filter(
        statement__campaign=campaign, email_normalized=signature.email_normalized, consent_contact=True
    ).update(consent_contact=False)
    return campaign


def unsubscribe_address(address: str) -> int:
    """Stop every campaign's updates to an address, and withdraw its consent to contact everywhere.

    For a complaint (the recipient marked a mail as spam): whatever they signed, they want no more
    mail. Returns how many campaigns it was unsubscribed from.
    """
    email_normalized = normalize_email(address)
    if not email_normalized:
        return 0
    signatures = Signature.objects.filter(email_normalized=email_normalized)
    campaign_ids = set(signatures.values_list("statement__campaign_id", flat=True))
    Unsubscribe.objects.bulk_create(
        [Unsubscribe(campaign_id=pk, email_hash=email_hash(email_normalized)) for pk in campaign_ids],
        ignore_conflicts=True,
    )
    signatures.filter(consent_contact=True).update(consent_contact=False)
    return len(campaign_ids)


def on_complaint(sender, address, **kwargs):
    """outbox.suppression.complained: a complaint also unsubscribes."""
    unsubscribe_address(address)


def campaign_of(signature_uuid: str) -> Campaign | None:
    return Campaign.objects.filter(statements__signatures__uuid=signature_uuid).first()
