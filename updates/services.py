"""What updates to signers do: choose recipients, send through the outbox at a throttled pace, unsubscribe."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from outbox.services import enqueue, enqueue_many
from petitions.models import Signature, Statement
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


def send_test(update: Update, user) -> None:
    """Send the update to an organiser, marked as a test, in their language; no delivery is recorded."""
    enqueue(
        "updates.test",
        user.email,
        ref=update.pk,
        context={"user": user.pk},
        language=translation.get_language() or "",
        campaign_id=update.statement.campaign_id,
    )


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
    """Freeze the recipient list (one delivery per recipient) and put every mail in the outbox.

    The throttle is in the due times: UPDATES_BATCH_SIZE mails fall due every UPDATES_BATCH_SECONDS,
    which keeps within the mail server's and receiving providers' limits. Returns False if the
    update was not a draft (already started by a double click or another organiser): the recipients
    are chosen once. Raises CannotSend if the text changed since the sender confirmed `version`, or
    if the campaign's approval rule is not met.
    """
    needs = needs_approval(update.statement.campaign)
    with transaction.atomic():
        locked = Update.objects.select_for_update().filter(pk=update.pk, status=Update.Status.DRAFT).first()
        if locked is None:
            return False
        if version is not None and locked.version != version:
            raise CannotSend(_("The update was changed after you opened it. Check it again before sending."))
        check_sendable(locked, sender, needs=needs)
        now = timezone.now()
        Update.objects.filter(pk=update.pk).update(status=Update.Status.SENDING, started_at=now)
        unsubscribed = _unsubscribed_hashes(update.statement.campaign_id)
        rows = (
            consenting_signatures(update.statement)
            .order_by("pk")
            .values_list("pk", "email_normalized", "email")
        )
        recipients = [
            (pk, email)
            for pk, normalized, email in rows.iterator(chunk_size=2000)
            if email_hash(normalized) not in unsubscribed
        ]
        deliveries = Delivery.objects.bulk_create(
            [Delivery(update_id=update.pk, signature_id=pk) for pk, _email in recipients], batch_size=2000
        )
        size, every = settings.UPDATES_BATCH_SIZE, settings.UPDATES_BATCH_SECONDS
        if settings.OUTBOX_SEND_ON_COMMIT:
            every = 0  # the embedded mode sends in-process after the commit: nothing would come back later
        enqueue_many(
            "updates.update",
            (
                {
                    "to": email,
                    "ref": delivery.pk,
                    "due_at": now + timedelta(seconds=every * (n // size)),
                    "statement_id": update.statement_id,
                    "campaign_id": update.statement.campaign_id,
                }
                for n, (delivery, (_pk, email)) in enumerate(zip(deliveries, recipients, strict=True))
            ),
        )
        Update.objects.filter(pk=update.pk).update(recipients=len(deliveries))
        if not deliveries:
            Update.objects.filter(pk=update.pk).update(status=Update.Status.SENT, finished_at=now)
    update.refresh_from_db()
    return True


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
