"""Emails to signers (outbox builders): each is a subject, a text and an HTML template."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation

import outbox

from .models import Signature, Statement
from .services import MAILABLE
from .tokens import make_confirm_token, make_withdraw_token
from .translations import localise


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def signature_message(
    signature: Signature, *, statement: Statement | None = None, already_signed: bool | None = None
) -> outbox.Email | None:
    """The mail for one submission: its confirmation link, with what a click does for its own choices.

    If the address has a confirmed signature already, the mail says so ("you have already signed")
    and the link offers this submission's choices instead: the mailbox owner decides. A submission
    that is no longer waiting for its owner's click (confirmed, superseded, withdrawn) gets nothing.
    `statement` (already in the signer's language) and `already_signed` are looked up unless given.
    """
    if signature.status not in MAILABLE:
        return None
    language = signature.language or settings.LANGUAGE_CODE
    if statement is None:
        statement = localise(signature.statement, language)
    if already_signed is None:
        already_signed = bool(signature.email_normalized) and _confirmed(signature).exists()
    # Links are made in the signer's language too: their URLs carry it (/es/…).
    with translation.override(language):
        context = {
            "signature": signature,
            "statement": statement,
            "campaign": statement.campaign,
            "listing_reviewed": statement.listing_reviewed(signature.kind),
            "statement_url": absolute(statement.get_absolute_url()),
            "confirm_url": absolute(reverse("petitions:confirm", args=[make_confirm_token(signature)])),
            "withdraw_url": absolute(reverse("privacy:withdraw", args=[make_withdraw_token(signature)])),
            "privacy_url": absolute(reverse("privacy:policy")),
        }
    template = "already_signed" if already_signed else "confirm"
    return outbox.render(f"petitions/email/{template}", context, language)


def _confirmed(signature: Signature):
    return Signature.objects.filter(
        statement_id=signature.statement_id,
        email_normalized=signature.email_normalized,
        status=Signature.Status.CONFIRMED,
    )


@dataclass
class Submission:
    """What a submission's mail needs: the signature, its statement in the signer's language, and
    whether the address has a confirmed signature already."""

    signature: Signature
    statement: Statement
    already_signed: bool


def _signatures(refs):
    return Signature.objects.select_related("statement__campaign").filter(pk__in=refs).exclude(email="")


def _load_one(message) -> Submission | None:
    signature = _signatures([message.ref]).first()
    if signature is None:
        return None
    language = signature.language or settings.LANGUAGE_CODE
    already_signed = bool(signature.email_normalized) and _confirmed(signature).exists()
    return Submission(signature, localise(signature.statement, language), already_signed)


@outbox.registry.prefetch("petitions.signature")
def load_submissions(messages) -> dict[str, Submission]:
    """A claimed batch's submissions in three queries plus two per statement and language: the
    signatures with their statements, which addresses have signed already, the translations."""
    signatures = list(_signatures([message.ref for message in messages]))
    addresses = {(s.statement_id, s.email_normalized) for s in signatures if s.email_normalized}
    confirmed = set()
    if addresses:
        confirmed = set(
            Signature.objects.filter(
                status=Signature.Status.CONFIRMED,
                statement_id__in={statement_id for statement_id, _ in addresses},
                email_normalized__in={address for _, address in addresses},
            ).values_list("statement_id", "email_normalized")
        )
    shown: dict[tuple[int, str], Statement] = {}
    found = {}
    for signature in signatures:
        language = signature.language or settings.LANGUAGE_CODE
        key = (signature.statement_id, language)
        if key not in shown:
            shown[key] = localise(signature.statement, language)
        already_signed = (signature.statement_id, signature.email_normalized) in confirmed
        found[str(signature.pk)] = Submission(signature, shown[key], already_signed)
    return found


@outbox.registry.builder("petitions.signature")
def build_signature_mail(message) -> outbox.Email | None:
    """What the submission's mail says when it goes: confirm it, or you have already signed.

    Nothing for a submission no longer waiting for its owner's click (confirmed, superseded,
    withdrawn, anonymised) nor once the statement has closed.
    """
    submission = outbox.registry.prefetched(message, _load_one)
    if submission is None or not submission.statement.is_open:
        return None
    return signature_message(
        submission.signature, statement=submission.statement, already_signed=submission.already_signed
    )
