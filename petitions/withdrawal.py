"""Signers' data rights on signatures: withdrawing one, and what anonymising one replaces."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from campaign import events
from outbox.services import forget
from safety.models import AuditEntry

from .models import Signature, Statement
from .tokens import InvalidToken, read_withdraw_token

# email_normalized of an anonymised signature: unique per row, so the one-signature-per-email
# constraint stays satisfiable, and recognisably not an address.
ANONYMISED_PREFIX = "anonymised-"
ANONYMISED_NAME = "(anonymised)"
# A signer may withdraw from any status; only a confirmed signature the tally counted changes the total.
WITHDRAWABLE = tuple(status for status in Signature.Status if status != Signature.Status.WITHDRAWN)


def anonymised_values() -> dict:
    """UPDATE values that replace everything personal in a signature.

    Kept: statement, status, kind, country, language, source, utm_source, dates and the counted flag,
    so totals and country breakdowns stay true.
    """
    return {
        "name": ANONYMISED_NAME,
        "email": "",
        "email_normalized": Concat(Value(ANONYMISED_PREFIX), Cast("pk", output_field=CharField())),
        "email_domain": "",
        "organisation": "",
        "role": "",
        "location": "",
        "comment": "",
        "show_publicly": False,
        "notable": False,
        "consent_contact": False,
        "consent_text": "",
        "ip_hash": "",
        "user_agent": "",
        "referrer": "",
    }


def scrub_audit_trail(signature_uuids) -> None:
    """Keep the moderators' audit entries about these signatures, without the signers' details.

    Entries name the signature (object_repr), and an admin edit records the values it changed.
    """
    entries = AuditEntry.objects.filter(
        object_type="signature", object_id__in=[str(u) for u in signature_uuids]
    )
    entries.update(object_repr=ANONYMISED_NAME)
    for entry in entries.filter(details__has_key="changed").only("details"):
        changed = entry.details.get("changed") or {}
        entry.details["changed"] = {field: [ANONYMISED_NAME, ANONYMISED_NAME] for field in changed}
        entry.save(update_fields=["details"])


def not_anonymised(queryset):
    return queryset.exclude(email_normalized__startswith=ANONYMISED_PREFIX)


@dataclass
class Withdrawal:
    signature: Signature
    statement: Statement
    # False when the signature had already been withdrawn.
    withdrawn: bool


def signature_for_withdrawal(token: str) -> Signature:
    """The signature a withdrawal link is for; raises InvalidToken."""
    signature_uuid = read_withdraw_token(token)
    signature = Signature.objects.select_related("statement__campaign").filter(uuid=signature_uuid).first()
    if signature is None:
        raise InvalidToken("no such signature")
    return signature


def withdraw(token: str) -> Withdrawal:
    """Withdraw the signature: out of every list and total, its personal data erased (from the
    outbox too: outbox.services.forget). Idempotent.

    Every submission of the same address to the statement goes with it (only the mailbox owner has
    the link, and each submission is theirs to erase), so nothing of theirs is left pending, held
    or superseded. Takes the statement row lock (FOR NO KEY UPDATE) like tally() and recount(),
    then reads the rows: if the tally had counted one, the total goes down by one in the same
    transaction, so the public count never drifts and a later recount agrees.
    """
    signature = signature_for_withdrawal(token)
    with transaction.atomic():
        Statement.objects.select_for_update(no_key=True).filter(pk=signature.statement_id).exists()
        current = (
            Signature.objects.select_for_update().filter(pk=signature.pk).values("status", "counted").first()
        )
        if current is None or current["status"] not in WITHDRAWABLE:
            return Withdrawal(signature, signature.statement, withdrawn=False)
        rows = Signature.objects.filter(pk=signature.pk)
        if signature.email_normalized:
            rows = Signature.objects.filter(
                statement_id=signature.statement_id, email_normalized=signature.email_normalized
            )
        rows = rows.filter(status__in=WITHDRAWABLE)
        uuids = list(rows.values_list("uuid", flat=True))
        confirmed = list(rows.filter(status=Signature.Status.CONFIRMED).values_list("uuid", "counted"))
        counted = sum(1 for _uuid, was_counted in confirmed if was_counted)
        addresses = list(rows.values_list("email", flat=True))
        rows.update(status=Signature.Status.WITHDRAWN, counted=False, **anonymised_values())
        forget(signature.statement_id, addresses)
        scrub_audit_trail(uuids)
        for confirmed_uuid, _counted in confirmed:
            # Only a confirmed signature was ever shown to the organisers' tools.
            events.publish(
                events.SIGNATURE_WITHDRAWN, campaign_id=signature.statement.campaign_id, ref=confirmed_uuid
            )
        if counted:
            Statement.objects.filter(pk=signature.statement_id, signature_count__gte=counted).update(
                signature_count=F("signature_count") - counted
            )
    signature.refresh_from_db()
    return Withdrawal(signature, signature.statement, withdrawn=True)
