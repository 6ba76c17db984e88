"""What the petitions domain does: sign, confirm, mail, tally and recount."""

import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.queue import enqueue_on_commit

from .models import Signature, Statement
from .tokens import InvalidToken, read_confirm_token

log = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_ip(ip: str) -> str:
    if not ip:
        return ""
    key = settings.IP_HASH_KEY.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def consent_wording(statement: Statement) -> str:
    return gettext("Yes, %(campaign)s may contact me by email about this campaign.") % {
        "campaign": statement.campaign.title
    }


@dataclass
class RequestInfo:
    ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    utm_source: str = ""


def sign(statement: Statement, data: dict, info: RequestInfo) -> None:
    """Store a pending signature and queue its confirmation email.

    If this email already signed the statement nothing new is stored: the existing signature is
    mailed again (a fresh confirmation link while pending, "you have already signed" once
    confirmed), at most MAX_MAILS_PER_SIGNATURE times. The caller answers the same either way.
    """
    email_normalized = normalize_email(data["email"])
    is_org = data.get("kind") == Signature.Kind.ORGANISATION
    consent = bool(data.get("consent_contact"))
    now = timezone.now()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                statement=statement,
                email=data["email"].strip(),
                email_normalized=email_normalized,
                name=data["name"],
                country=data["country"],
                kind=Signature.Kind.ORGANISATION if is_org else Signature.Kind.INDIVIDUAL,
                organisation=data.get("organisation", "") if is_org else "",
                role=data.get("role", "") if is_org else "",
                location=data.get("location", ""),
                comment=data.get("comment", ""),
                show_publicly=bool(data.get("show_publicly")),
                listing=Signature.Listing.PENDING
                if data.get("show_publicly")
                else Signature.Listing.NOT_REQUESTED,
                consent_contact=consent,
                consent_text=consent_wording(statement) if consent else "",
                consent_at=now if consent else None,
                language=translation.get_language() or "",
                referrer=info.referrer[:500],
                utm_source=info.utm_source[:100],
                ip_hash=hash_ip(info.ip),
                user_agent=info.user_agent[:300],
                created_at=now,
            )
            enqueue_on_commit(_send_task(), signature.pk)
    except IntegrityError:
        _request_another_mail(statement, email_normalized)


def _request_another_mail(statement: Statement, email_normalized: str) -> None:
    with transaction.atomic():
        signature_id = (
            Signature.objects.filter(statement=statement, email_normalized=email_normalized)
            .values_list("pk", flat=True)
            .first()
        )
        if signature_id is None:
            return
        requested = Signature.objects.filter(
            pk=signature_id, mails_requested__lt=settings.MAX_MAILS_PER_SIGNATURE
        ).update(mails_requested=F("mails_requested") + 1)
        if requested:
            enqueue_on_commit(_send_task(), signature_id)


def _send_task():
    from .tasks import send_signature_mail

    return send_signature_mail


def send_signature_mail(signature_id: int) -> bool:
    """Send the mail that is due for this signature, if any. Safe to run twice or concurrently.

    The row stays locked while the message goes to the SMTP server and is marked sent in the same
    transaction: a duplicate task skips it, and an SMTP failure rolls back so a retry sends it.
    """
    from .emails import signature_message

    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("statement__campaign")
            .filter(pk=signature_id, mails_sent__lt=F("mails_requested"))
            .first()
        )
        if signature is None:
            return False
        if signature.status == Signature.Status.PENDING and not signature.statement.is_open:
            # No confirmation for a closed statement: the mail is no longer due (nor swept again).
            Signature.objects.filter(pk=signature.pk).update(mails_requested=F("mails_sent"))
            return False
        signature_message(signature).send()
        Signature.objects.filter(pk=signature.pk).update(
            mails_sent=F("mails_sent") + 1, last_mailed_at=timezone.now()
        )
    return True


def due_mail_ids(older_than_seconds: int = 120, limit: int = 5000) -> list[int]:
    """Signatures whose mail is due but was not sent a while after it was asked for."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Signature.objects.filter(mails_sent__lt=F("mails_requested"), created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


@dataclass
class Confirmation:
    signature: Signature
    newly_confirmed: bool
    statement_closed: bool = False


def confirm(token: str) -> Confirmation:
    """Confirm the signature a token was made for. Idempotent: opening the link again does nothing.

    Raises InvalidToken (forged, tampered, unknown) or ExpiredToken.
    """
    signature_uuid = read_confirm_token(token)
    signature = Signature.objects.select_related("statement__campaign").filter(uuid=signature_uuid).first()
    if signature is None:
        raise InvalidToken("no such signature")
    if signature.status != Signature.Status.PENDING:
        return Confirmation(signature, newly_confirmed=False)
    if not signature.statement.is_open:
        return Confirmation(signature, newly_confirmed=False, statement_closed=True)
    with transaction.atomic():
        updated = Signature.objects.filter(pk=signature.pk, status=Signature.Status.PENDING).update(
            status=Signature.Status.CONFIRMED, confirmed_at=timezone.now()
        )
        if updated and settings.TALLY_ON_CONFIRM:
            from .tasks import tally_statement

            enqueue_on_commit(tally_statement, signature.statement_id)
    signature.refresh_from_db()
    return Confirmation(signature, newly_confirmed=bool(updated))


def tally(statement_id: int) -> int:
    """Add confirmations not yet counted to the statement's total; return how many were added.

    One UPDATE of the statement row per run, whatever the number of new signatures. The statement
    row lock (FOR NO KEY UPDATE, which does not block signature inserts) serialises this with
    recount(); the conditional UPDATE makes a second concurrent run add nothing twice.
    """
    with transaction.atomic():
        locked = Statement.objects.select_for_update(no_key=True).filter(pk=statement_id).exists()
        if not locked:
            return 0
        added = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.CONFIRMED, counted=False
        ).update(counted=True)
        if added:
            Statement.objects.filter(pk=statement_id).update(
                signature_count=F("signature_count") + added, counted_at=timezone.now()
            )
    return added


def statements_to_tally() -> list[int]:
    return list(
        Signature.objects.filter(status=Signature.Status.CONFIRMED, counted=False)
        .values_list("statement_id", flat=True)
        .distinct()
    )


def recount(statement_id: int) -> int:
    """Set the statement's total from the signatures themselves; return the correction applied."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update(no_key=True).filter(pk=statement_id).first()
        if statement is None:
            return 0
        Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.CONFIRMED, counted=False
        ).update(counted=True)
        # Count exactly what is marked: confirmations committed since the UPDATE stay for tally().
        truth = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.CONFIRMED, counted=True
        ).count()
        Statement.objects.filter(pk=statement_id).update(signature_count=truth, counted_at=timezone.now())
    correction = truth - statement.signature_count
    if correction:
        log.warning("recount corrected statement %s by %+d", statement_id, correction)
    return correction
