"""What the petitions domain does: sign, confirm, mail, tally and recount."""

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign import events
from campaign.addresses import canonical_email
from campaign.queue import enqueue_on_commit
from moderation import abuse

from .models import Signature, Statement
from .tokens import InvalidToken, read_confirm_token

log = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    """The canonical address duplicates are found by (see campaign.addresses)."""
    return canonical_email(email)


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
    # Signature.Source value ("shortlink", "embed"); empty means the web form.
    source: str = ""
    # A reason to hold the signature for review that the caller found already.
    hold_reason: str = ""
    # The organisers' API vouches that the person signed in front of them (a stall, a paper form):
    # the signature is confirmed at once and no confirmation mail is sent. The abuse checks still apply.
    confirmed_offline: bool = False


def sign(statement: Statement, data: dict, info: RequestInfo) -> Signature | None:
    """Store a pending signature and queue its confirmation email; return it (None if nothing new).

    If this email already signed the statement nothing new is stored: the existing signature is
    mailed again (a fresh confirmation link while pending, "you have already signed" once
    confirmed), at most MAX_MAILS_PER_SIGNATURE times. The caller answers the same either way.

    An attempt that fails the abuse checks (block lists, rate limits, a form sent back too fast:
    see moderation.abuse) is stored held for review instead: not mailed and not counted, and for a
    repeated email nothing is mailed. The caller still answers the same.
    """
    email_normalized = normalize_email(data["email"])
    domain = abuse.email_domain(email_normalized)
    ip_hash = hash_ip(info.ip)
    # Screened first so that every attempt counts against the rate limits.
    screened = abuse.screen(statement.pk, email_normalized, info.ip, ip_hash)
    # How fast the form came back is a signal for moderators, never a reason to hold on its own:
    # browsers fill forms in at once, and the confirmation mail is what proves a real mailbox.
    # A client of the organisers' API sends no rendered form, so it has no fill time at all.
    api = info.source == Signature.Source.API
    fill_ms, no_form_time = (None, "") if api else abuse.fill_time(data.get("started"))
    hold_reason = info.hold_reason or no_form_time or screened
    offline = info.confirmed_offline and not hold_reason
    is_org = data.get("kind") == Signature.Kind.ORGANISATION
    consent = bool(data.get("consent_contact"))
    now = timezone.now()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                statement=statement,
                status=Signature.Status.HELD
                if hold_reason
                else (Signature.Status.CONFIRMED if offline else Signature.Status.PENDING),
                hold_reason=hold_reason[:40],
                fill_ms=fill_ms,
                email=data["email"].strip(),
                email_normalized=email_normalized,
                email_domain=domain,
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
                source=info.source or Signature.Source.WEB,
                ip_hash=ip_hash,
                user_agent=info.user_agent[:300],
                created_at=now,
                confirmed_at=now if offline else None,
                mails_requested=0 if hold_reason or offline else 1,
            )
            if not hold_reason and not offline:
                enqueue_on_commit(_send_task(), signature.pk)
            if offline:
                events.publish(
                    events.SIGNATURE_CONFIRMED, campaign_id=statement.campaign_id, ref=signature.uuid
                )
            if offline and settings.TALLY_ON_CONFIRM:
                from .tasks import tally_statement

                enqueue_on_commit(tally_statement, statement.pk)
    except IntegrityError:
        if not hold_reason and not offline:
            _request_another_mail(statement, email_normalized)
        return None
    return signature


def _request_another_mail(statement: Statement, email_normalized: str) -> None:
    with transaction.atomic():
        signature_id = (
            Signature.objects.filter(
                statement=statement, email_normalized=email_normalized, status__in=MAILABLE
            )
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


# Only these are ever mailed: held, invalid, fraudulent and withdrawn signatures get nothing.
MAILABLE = (Signature.Status.PENDING, Signature.Status.CONFIRMED)


def _send_task():
    from .tasks import send_signature_mail

    return send_signature_mail


def send_signature_mail(signature_id: int, mailer=None) -> bool:
    """Send the mail that is due for this signature, if any. Safe to run twice or concurrently.

    The row stays locked while the message goes to the SMTP server and is marked sent in the same
    transaction: a duplicate task skips it, and an SMTP failure rolls back so a retry sends it.
    `mailer` is an open mail connection to reuse (see send_signature_mails); without one the
    message opens its own.
    """
    from .emails import signature_message

    sent = False
    try:
        with transaction.atomic():
            signature = (
                Signature.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("statement__campaign")
                .filter(pk=signature_id, mails_sent__lt=F("mails_requested"), status__in=MAILABLE)
                .first()
            )
            if signature is None:
                return False
            if signature.status == Signature.Status.PENDING and not signature.statement.is_open:
                # No confirmation for a closed statement: the mail is no longer due (nor swept again).
                Signature.objects.filter(pk=signature.pk).update(mails_requested=F("mails_sent"))
                return False
            message = signature_message(signature)
            if mailer is None:
                message.send()
            else:
                mailer.send_messages([message])
            sent = True
            Signature.objects.filter(pk=signature.pk).update(
                mails_sent=F("mails_sent") + 1, last_mailed_at=timezone.now()
            )
    except DatabaseError:
        if not sent:
            raise
        _record_mailed_when_database_is_back(signature_id)
    return True


def send_signature_mails(signature_ids: list[int]) -> int:
    """Send the mails due for these signatures over one mail connection; return how many were sent.

    Each signature is handled exactly as send_signature_mail does it (its own locked transaction,
    marked sent before the lock is released), so a batch, a single task and a second batch holding
    the same ids never send one mail twice. Only the SMTP session is shared. An SMTP error stops
    the batch: what was sent is recorded, and a retry of the same ids sends only the rest.
    """
    sent = 0
    with mail.mailers.default as mailer:
        for signature_id in signature_ids:
            sent += send_signature_mail(signature_id, mailer=mailer)
    return sent


def _record_mailed_when_database_is_back(signature_id: int, wait_seconds: float = 60) -> None:
    """Mark as sent a mail the SMTP server accepted just before the database went away (a restart).

    Its transaction is lost, so without this the sweep would send the mail a second time.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        connection.close()  # the broken one: the next query connects again
        try:
            Signature.objects.filter(pk=signature_id, mails_sent__lt=F("mails_requested")).update(
                mails_sent=F("mails_sent") + 1, last_mailed_at=timezone.now()
            )
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def due_mail_ids(older_than_seconds: int = 120, limit: int = 5000) -> list[int]:
    """Signatures whose mail is due but was not sent a while after it was asked for."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Signature.objects.filter(
            mails_sent__lt=F("mails_requested"), created_at__lt=cutoff, status__in=MAILABLE
        )
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
            status=Signature.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            listing=_listing_on_confirm(signature),
        )
        if updated:
            events.publish(
                events.SIGNATURE_CONFIRMED, campaign_id=signature.statement.campaign_id, ref=signature.uuid
            )
        if updated and settings.TALLY_ON_CONFIRM:
            from .tasks import tally_statement

            enqueue_on_commit(tally_statement, signature.statement_id)
    signature.refresh_from_db()
    return Confirmation(signature, newly_confirmed=bool(updated))


def _listing_on_confirm(signature: Signature):
    """An individual's requested listing goes live on confirmation if the statement allows it.

    Organisations always wait for a moderator. Evaluated in the UPDATE, so a moderator's decision
    taken meanwhile is kept.
    """
    if signature.kind == Signature.Kind.ORGANISATION or not signature.statement.auto_approve_individuals:
        return F("listing")
    return Case(
        When(
            listing=Signature.Listing.PENDING,
            show_publicly=True,
            kind=Signature.Kind.INDIVIDUAL,
            then=Value(Signature.Listing.APPROVED),
        ),
        default=F("listing"),
    )


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


# --- Moderation: corrections that keep statement totals exact ------------------------------------


def _lock_statements(statement_ids) -> None:
    # In id order, so two moderators correcting overlapping statements cannot deadlock.
    list(
        Statement.objects.select_for_update(no_key=True)
        .filter(pk__in=statement_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def exclude_from_totals(signature_ids: list[int], status: str) -> dict[int, int]:
    """Mark signatures invalid or fraudulent and take counted ones off their statements' totals now.

    Same locking as tally() and recount(): the statement rows are locked (FOR NO KEY UPDATE), so a
    concurrent tally cannot count a row while it is being excluded. Returns, per statement id, how
    many were taken off its total.
    """
    assert status in (Signature.Status.INVALID, Signature.Status.FRAUDULENT)
    with transaction.atomic():
        rows = Signature.objects.filter(pk__in=signature_ids).exclude(status=status)
        statement_ids = set(rows.values_list("statement_id", flat=True).distinct())
        if not statement_ids:
            return {}
        _lock_statements(statement_ids)
        counted = dict(
            rows.filter(counted=True)
            .values("statement_id")
            .annotate(n=Count("pk"))
            .values_list("statement_id", "n")
        )
        rows.update(status=status, counted=False)
        for statement_id, n in counted.items():
            Statement.objects.filter(pk=statement_id).update(
                signature_count=Greatest(F("signature_count") - n, 0), counted_at=timezone.now()
            )
    return counted


RESTORABLE = (Signature.Status.HELD, Signature.Status.INVALID, Signature.Status.FRAUDULENT)


def restore(signature_ids: list[int]) -> dict[int, int]:
    """Undo a hold or an exclusion: confirmed signatures count again at once, others become pending.

    A signature that never confirmed goes back to pending with a confirmation mail due (held ones
    were never mailed). Withdrawn signatures stay withdrawn: that was the signer's choice. Returns,
    per statement id, how many were added to its total.
    """
    with transaction.atomic():
        rows = Signature.objects.filter(pk__in=signature_ids, status__in=RESTORABLE)
        statement_ids = set(rows.values_list("statement_id", flat=True).distinct())
        if not statement_ids:
            return {}
        _lock_statements(statement_ids)
        confirmed = rows.filter(confirmed_at__isnull=False)
        added = dict(
            confirmed.values("statement_id").annotate(n=Count("pk")).values_list("statement_id", "n")
        )
        confirmed.update(status=Signature.Status.CONFIRMED, counted=True, hold_reason="")
        unconfirmed_ids = list(rows.filter(confirmed_at__isnull=True).values_list("pk", flat=True))
        Signature.objects.filter(pk__in=unconfirmed_ids).update(
            status=Signature.Status.PENDING,
            hold_reason="",
            mails_requested=Least(F("mails_sent") + 1, Value(settings.MAX_MAILS_PER_SIGNATURE)),
        )
        for statement_id, n in added.items():
            Statement.objects.filter(pk=statement_id).update(
                signature_count=F("signature_count") + n, counted_at=timezone.now()
            )
        for signature_id in unconfirmed_ids:
            enqueue_on_commit(_send_task(), signature_id)
    return added


def request_confirmation_mail(signature_ids: list[int]) -> list[int]:
    """Queue the confirmation mail again for pending signatures, within MAX_MAILS_PER_SIGNATURE.

    Returns the ids that were queued; the others had reached the limit or are not pending.
    """
    with transaction.atomic():
        ids = list(
            Signature.objects.filter(
                pk__in=signature_ids,
                status=Signature.Status.PENDING,
                mails_requested__lt=settings.MAX_MAILS_PER_SIGNATURE,
            ).values_list("pk", flat=True)
        )
        Signature.objects.filter(pk__in=ids, mails_requested__lt=settings.MAX_MAILS_PER_SIGNATURE).update(
            mails_requested=F("mails_requested") + 1
        )
        for signature_id in ids:
            enqueue_on_commit(_send_task(), signature_id)
    return ids
