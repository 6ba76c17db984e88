"""What the petitions domain does: sign, confirm, mail, tally and recount."""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Sum, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign import events
from campaign.addresses import canonical_email
from outbox.services import create_with_message, enqueue
from safety import abuse

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
    """Store this submission as its own signature, with its own choices, and its email in the outbox.

    The signature and its outbox row are stored together or not at all, and nothing else is queued:
    one INSERT statement when Redis has applied the mail caps (outbox.services.create_with_message),
    else one transaction that also takes the address's lock.

    Every submission gets its own row and its own link, so a click confirms exactly the choices
    the mail it came in states (see confirm()). The mailbox owner is always mailed, whatever an
    earlier submission for the address was (pending, held or confirmed: then the mail says "you
    have already signed"), unless MAX_MAILS_PER_ADDRESS_PER_DAY mails went to this address for
    this statement in the last day: that cap silences, the same for all.

    An attempt that fails the abuse checks (block lists, rate limits, no form time: see
    safety.abuse) is stored held for review: mailed like any other, but counted only once a
    moderator releases it. One exception: an IP address that made the platform mail
    MAIL_CAP_PER_IP_PER_HOUR addresses within the hour gets its further submissions held and not
    mailed (a moderator's release mails them). The caller answers the same either way.

    Returns the new signature, or None when nothing was stored (an offline confirmation of an
    address that is confirmed already).
    """
    email_normalized = normalize_email(data["email"])
    domain = abuse.email_domain(email_normalized)
    ip_hash = hash_ip(info.ip)
    # Checked first so that every attempt counts against the rate limits; one Redis round trip
    # also applies the address's daily mail cap and the IP's hourly one (see safety.abuse).
    caps = None
    if not info.confirmed_offline:
        caps = abuse.address_mail_cap(
            statement.pk,
            email_normalized,
            settings.MAX_MAILS_PER_ADDRESS_PER_DAY,
            ip=info.source != Signature.Source.API,  # an organiser's key, not an anonymous visitor
        )
    verdict = abuse.check(statement.pk, email_normalized, info.ip, ip_hash, mail=caps)
    # How fast the form came back is a signal for moderators, never a reason to hold on its own:
    # browsers fill forms in at once, and the confirmation mail is what proves a real mailbox.
    fill_ms, no_form_time = abuse.fill_time(data.get("started"))
    hold_reason = info.hold_reason or no_form_time or verdict.hold_reason
    offline = info.confirmed_offline and not hold_reason
    is_org = data.get("kind") == Signature.Kind.ORGANISATION
    consent = bool(data.get("consent_contact"))
    now = timezone.now()

    def new_signature(mail: bool) -> Signature:
        return Signature(
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
            mails_requested=1 if mail else 0,
        )

    if not offline and verdict.mail is not None:
        # The usual case: Redis counted the mail against the caps, atomically. The signature and
        # its outbox row are one INSERT statement, which needs no transaction around it.
        return _store(new_signature(verdict.mail), statement)
    with transaction.atomic():
        if offline:
            _lock_address(statement.pk, email_normalized)
            already = Signature.objects.filter(
                statement=statement, email_normalized=email_normalized, status=Signature.Status.CONFIRMED
            )
            if email_normalized and already.exists():
                return None
            mail = False
        else:
            # No Redis (the embedded site, or Redis down): the cap from the rows themselves.
            _lock_address(statement.pk, email_normalized)
            mail = _mails_today(statement, email_normalized, now) < settings.MAX_MAILS_PER_ADDRESS_PER_DAY
        signature = _store(new_signature(mail), statement)
        if offline:
            events.publish(events.SIGNATURE_CONFIRMED, campaign_id=statement.campaign_id, ref=signature.uuid)
        if offline and settings.TALLY_ON_CONFIRM:
            transaction.on_commit(partial(tally, statement.pk))
    return signature


def _store(signature: Signature, statement: Statement) -> Signature:
    """Save a new signature and, if it asked for one, the mail owed for it: both or neither."""
    if not signature.mails_requested:
        signature.save(force_insert=True)
        return signature
    create_with_message(
        signature,
        "petitions.signature",
        signature.email,
        language=signature.language,
        statement_id=statement.pk,
        campaign_id=statement.campaign_id,
    )
    return signature


def _mail(signature_id: int, email: str, language: str, statement: Statement) -> None:
    """Owe the signer the mail for their submission (petitions.emails says what it says)."""
    enqueue(
        "petitions.signature",
        email,
        ref=signature_id,
        language=language,
        statement_id=statement.pk,
        campaign_id=statement.campaign_id,
    )


def _lock_address(statement_id: int, email_normalized: str) -> None:
    """Serialise submissions of one address to one statement, so a burst cannot pass the mail cap.

    A transaction-scoped advisory lock on PostgreSQL (other addresses are not held up); SQLite
    runs one write transaction at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [statement_id, email_normalized])


def _mails_today(statement: Statement, email_normalized: str, now) -> int:
    since = now - timezone.timedelta(days=1)
    submissions = Signature.objects.filter(
        statement=statement, email_normalized=email_normalized, created_at__gte=since
    )
    return submissions.aggregate(n=Sum("mails_requested", default=0))["n"]


# Only these are ever mailed: a confirmation link (or "you have already signed") for a submission
# nobody has confirmed yet. Confirmed, superseded, invalid, fraudulent, withdrawn: nothing.
MAILABLE = (Signature.Status.PENDING, Signature.Status.HELD)
# Submissions whose link may still be clicked.
UNCONFIRMED = MAILABLE
# A withdrawn signature is gone for good; a confirmed one cannot take its own place.
NOT_REPLACING = (Signature.Status.CONFIRMED, Signature.Status.WITHDRAWN)


@dataclass
class Confirmation:
    signature: Signature
    newly_confirmed: bool
    statement_closed: bool = False
    # The owner confirmed, but the submission was held: it counts once a moderator releases it.
    awaiting_review: bool = False
    # The address had signed already: this submission's choices replaced the earlier ones.
    replaced: bool = False


def confirm(token: str) -> Confirmation:
    """Confirm the submission a token was made for, with that submission's own choices. Idempotent.

    The mailbox owner's click decides: the address's other unconfirmed submissions for the statement
    are superseded (never counted, never listed), and if the address had already confirmed, this
    submission takes the earlier one's place in the total (see replace_confirmed). A held submission
    is marked as confirmed by its owner and stays held for a moderator.

    Raises InvalidToken (forged, tampered, unknown) or ExpiredToken.
    """
    signature_uuid = read_confirm_token(token)
    signature = Signature.objects.select_related("statement__campaign").filter(uuid=signature_uuid).first()
    if signature is None:
        raise InvalidToken("no such signature")
    if not _clickable(signature):
        return Confirmation(
            signature, newly_confirmed=False, awaiting_review=signature.status == Signature.Status.HELD
        )
    if not signature.statement.is_open:
        return Confirmation(signature, newly_confirmed=False, statement_closed=True)
    now = timezone.now()
    with transaction.atomic():
        _lock_address(signature.statement_id, signature.email_normalized)
        if signature.status == Signature.Status.HELD:
            updated = Signature.objects.filter(pk=signature.pk, status=Signature.Status.HELD).update(
                confirmed_at=now
            )
            _supersede_others(signature)
            signature.refresh_from_db()
            return Confirmation(signature, newly_confirmed=bool(updated), awaiting_review=True)
        if signature.status == Signature.Status.SUPERSEDED:
            # Another of the address's links was clicked first; this later click decides now.
            Signature.objects.filter(pk=signature.pk, status=Signature.Status.SUPERSEDED).update(
                status=Signature.Status.PENDING
            )
            signature.status = Signature.Status.PENDING
        confirmed = _confirmed_of_address(signature)
        if confirmed is not None:
            replaced = replace_confirmed(signature, confirmed)
            signature.refresh_from_db()
            return Confirmation(signature, newly_confirmed=replaced, replaced=replaced)
        updated = Signature.objects.filter(pk=signature.pk, status=Signature.Status.PENDING).update(
            status=Signature.Status.CONFIRMED,
            confirmed_at=now,
            listing=_listing_on_confirm(signature),
        )
        if updated:
            _supersede_others(signature)
            events.publish(
                events.SIGNATURE_CONFIRMED, campaign_id=signature.statement.campaign_id, ref=signature.uuid
            )
            if settings.TALLY_ON_CONFIRM:
                transaction.on_commit(partial(tally, signature.statement_id))
    signature.refresh_from_db()
    return Confirmation(signature, newly_confirmed=bool(updated))


def _clickable(signature: Signature) -> bool:
    """Whether this submission's link still decides something: it was never confirmed by its owner."""
    if signature.confirmed_at is not None:
        return False
    return signature.status in (*UNCONFIRMED, Signature.Status.SUPERSEDED)


def _confirmed_of_address(signature: Signature) -> Signature | None:
    if not signature.email_normalized:
        return None
    return (
        Signature.objects.filter(
            statement_id=signature.statement_id,
            email_normalized=signature.email_normalized,
            status=Signature.Status.CONFIRMED,
        )
        .exclude(pk=signature.pk)
        .first()
    )


def _supersede_others(signature: Signature) -> int:
    """The owner chose this submission: the address's other unconfirmed ones are set aside, unmailed."""
    if not signature.email_normalized:
        return 0
    return (
        Signature.objects.filter(
            statement_id=signature.statement_id,
            email_normalized=signature.email_normalized,
            status__in=UNCONFIRMED,
        )
        .exclude(pk=signature.pk)
        .update(status=Signature.Status.SUPERSEDED)
    )


def replace_confirmed(signature: Signature, confirmed: Signature) -> bool:
    """Confirm `signature` in place of the address's earlier confirmed one; the total is unchanged.

    Under the statement lock (as tally() and recount()), the earlier row is superseded and this one
    inherits its place in the count, so the address is counted exactly once throughout.
    """
    _lock_statements([signature.statement_id])
    earlier = Signature.objects.filter(pk=confirmed.pk, status=Signature.Status.CONFIRMED)
    current = earlier.values("counted").first()
    replacing = Signature.objects.filter(pk=signature.pk).exclude(status__in=NOT_REPLACING)
    if current is None or not replacing.exists():
        return False
    earlier.update(status=Signature.Status.SUPERSEDED, counted=False)
    updated = replacing.update(
        status=Signature.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        counted=current["counted"],
        hold_reason="",
        listing=_listing_on_confirm(signature),
    )
    _supersede_others(signature)
    if updated:
        # For the organisers' tools: the address's earlier signature gives way to this one.
        campaign_id = signature.statement.campaign_id
        events.publish(events.SIGNATURE_WITHDRAWN, campaign_id=campaign_id, ref=confirmed.uuid)
        events.publish(events.SIGNATURE_CONFIRMED, campaign_id=campaign_id, ref=signature.uuid)
    return bool(updated)


def _listing_on_confirm(signature: Signature):
    """A requested listing goes live on confirmation unless the statement's listing review (per kind
    of signer) makes it wait for a moderator. Evaluated in the UPDATE, so a moderator's decision
    taken meanwhile is kept.
    """
    if signature.statement.listing_reviewed(signature.kind):
        return F("listing")
    return Case(
        When(listing=Signature.Listing.PENDING, show_publicly=True, then=Value(Signature.Listing.APPROVED)),
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
        # What the total should already say (the lock keeps tally() and exclusions out meanwhile),
        # then what nobody had counted yet: only a difference in the first is a correction.
        already = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.CONFIRMED, counted=True
        ).count()
        newly = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.CONFIRMED, counted=False
        ).update(counted=True)
        truth = already + newly
        Statement.objects.filter(pk=statement_id).update(signature_count=truth, counted_at=timezone.now())
    correction = already - statement.signature_count
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

    A signature that never confirmed goes back to pending with its confirmation mail due again.
    Withdrawn signatures stay withdrawn: that was the signer's choice. Returns,
    per statement id, how many were added to its total.
    """
    with transaction.atomic():
        rows = Signature.objects.filter(pk__in=signature_ids, status__in=RESTORABLE)
        statement_ids = set(rows.values_list("statement_id", flat=True).distinct())
        if not statement_ids:
            return {}
        _lock_statements(statement_ids)
        added = {}
        for signature in rows.filter(confirmed_at__isnull=False).order_by("confirmed_at", "pk"):
            # Confirmed by its owner: it counts again, taking the place of an earlier confirmation of
            # the address if there is one (one confirmed signature per address).
            confirmed = _confirmed_of_address(signature)
            if confirmed is not None and confirmed.confirmed_at > signature.confirmed_at:
                # The owner confirmed again since: their later choice stands.
                Signature.objects.filter(pk=signature.pk).update(status=Signature.Status.SUPERSEDED)
                continue
            if confirmed is not None:
                replace_confirmed(signature, confirmed)
                continue
            Signature.objects.filter(pk=signature.pk).update(
                status=Signature.Status.CONFIRMED, counted=True, hold_reason=""
            )
            added[signature.statement_id] = added.get(signature.statement_id, 0) + 1
        unconfirmed = rows.filter(confirmed_at__isnull=True)
        to_mail = list(
            unconfirmed.filter(mails_requested__lt=settings.MAX_MAILS_PER_SIGNATURE).values_list(
                "pk", "email", "language", "statement"
            )
        )
        unconfirmed.update(
            status=Signature.Status.PENDING,
            hold_reason="",
            mails_requested=Least(F("mails_requested") + 1, Value(settings.MAX_MAILS_PER_SIGNATURE)),
        )
        for statement_id, n in added.items():
            Statement.objects.filter(pk=statement_id).update(
                signature_count=F("signature_count") + n, counted_at=timezone.now()
            )
        _mail_each(to_mail)
    return added


def _mail_each(rows) -> None:
    statements = Statement.objects.in_bulk({statement_id for *_, statement_id in rows})
    for signature_id, email, language, statement_id in rows:
        _mail(signature_id, email, language, statements[statement_id])


def request_confirmation_mail(signature_ids: list[int]) -> list[int]:
    """Queue the confirmation mail again for pending signatures, within MAX_MAILS_PER_SIGNATURE.

    Returns the ids that were queued; the others had reached the limit or are not pending.
    """
    with transaction.atomic():
        rows = list(
            Signature.objects.select_for_update()
            .filter(
                pk__in=signature_ids,
                status=Signature.Status.PENDING,
                mails_requested__lt=settings.MAX_MAILS_PER_SIGNATURE,
            )
            .values_list("pk", "email", "language", "statement")
        )
        ids = [row[0] for row in rows]
        Signature.objects.filter(pk__in=ids).update(mails_requested=F("mails_requested") + 1)
        _mail_each(rows)
    return ids
