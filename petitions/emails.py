"""Emails to signers (outbox builders): each is a subject, a text and an HTML template."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

import outbox

from .models import Signature, Statement
from .services import MAILABLE
from .tokens import make_confirm_token, make_withdraw_token
from .translations import localise


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def signature_message(
    signature: Signature,
    *,
    statement: Statement | None = None,
    already_signed: bool | None = None,
    rendered: dict | None = None,
) -> outbox.Email | None:
    """The mail for one submission: its confirmation link, with what a click does for its own choices.

    If the address has a confirmed signature already, the mail says so ("you have already signed")
    and the link offers this submission's choices instead: the mailbox owner decides. A submission
    that is no longer waiting for its owner's click (confirmed, superseded, withdrawn) gets nothing.
    `statement` (already in the signer's language) and `already_signed` are looked up unless given.
    With `rendered` (a dict shared by a batch's mails), the templates are rendered once for all the
    signers of a statement in one language with the same choices, and each signer's name, listing
    line and links are put in (see _Signer).
    """
    if signature.status not in MAILABLE:
        return None
    language = signature.language or settings.LANGUAGE_CODE
    if statement is None:
        statement = localise(signature.statement, language)
    if already_signed is None:
        already_signed = bool(signature.email_normalized) and _confirmed(signature).exists()
    template = f"petitions/email/{'already_signed' if already_signed else 'confirm'}"
    listing_reviewed = statement.listing_reviewed(signature.kind)
    # Links are made in the signer's language too: their URLs carry it (/es/…).
    with translation.override(language):
        links = {
            "confirm_url": absolute(reverse("petitions:confirm", args=[make_confirm_token(signature)])),
            "withdraw_url": absolute(reverse("privacy:withdraw", args=[make_withdraw_token(signature)])),
        }
        if rendered is None:
            return outbox.render(template, _context(signature, statement, listing_reviewed, links), language)
        key = (
            template,
            language,
            statement.pk,
            listing_reviewed,
            signature.show_publicly,
            signature.consent_contact,
        )
        if key not in rendered:
            signer = _Signer(signature)
            rendered[key] = outbox.render(
                template, _context(signer, statement, listing_reviewed, _SLOTS), language
            )
    return _fill(rendered[key], {**links, "name": signature.name, "public_line": signature.public_line})


def _context(signature, statement: Statement, listing_reviewed: bool, links: dict) -> dict:
    return {
        "signature": signature,
        "statement": statement,
        "campaign": statement.campaign,
        "listing_reviewed": listing_reviewed,
        "statement_url": absolute(statement.get_absolute_url()),
        "privacy_url": absolute(reverse("privacy:policy")),
        **links,
    }


# Where each signer's own words go in a mail rendered once for many: characters no form accepts
# (Django refuses NUL in every text field), left alone by HTML escaping and translations.
_SLOTS = {name: f"\x00{name}\x00" for name in ("confirm_url", "withdraw_url", "name", "public_line")}


class UnknownSignerField(Exception):
    """A template reads a field of the signature that _Signer does not carry (not swallowed by the
    template engine as a missing variable would be): add it to _Signer, or to the key above."""


class _Signer:
    """The signature as the templates see it when rendered once for many signers: the choices that
    decide the wording (part of the key), and slots for the name and the listing line."""

    def __init__(self, signature: Signature):
        self.show_publicly = signature.show_publicly
        self.consent_contact = signature.consent_contact
        self.name = _SLOTS["name"]
        self.public_line = _SLOTS["public_line"]

    def __getattr__(self, name):
        raise UnknownSignerField(f"the confirmation templates read signature.{name}")


def _fill(email: outbox.Email, values: dict) -> outbox.Email:
    """A mail rendered with slots, with one signer's values in them (escaped in the HTML part)."""
    subject, text, html = email.subject, email.text, email.html
    for name, value in values.items():
        slot = _SLOTS[name]
        subject = subject.replace(slot, value)
        text = text.replace(slot, value)
        html = html.replace(slot, escape(value))
    return outbox.Email(subject=subject, text=text, html=html)


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
    # Shared by a batch's submissions: the templates rendered once per statement, language and
    # choices (signature_message).
    rendered: dict | None = None


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
    """A claimed batch's submissions in two queries plus three per statement and language: the
    signatures, which addresses have signed already, each statement with its campaign (once, not
    once per signature: its text can be long) and their translations."""
    signatures = list(
        Signature.objects.filter(pk__in=[message.ref for message in messages]).exclude(email="")
    )
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
    rendered: dict = {}
    found = {}
    for signature in signatures:
        language = signature.language or settings.LANGUAGE_CODE
        key = (signature.statement_id, language)
        if key not in shown:
            statement = Statement.objects.select_related("campaign").get(pk=signature.statement_id)
            shown[key] = localise(statement, language)
        signature.statement = shown[key]
        already_signed = (signature.statement_id, signature.email_normalized) in confirmed
        found[str(signature.pk)] = Submission(signature, shown[key], already_signed, rendered)
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
        submission.signature,
        statement=submission.statement,
        already_signed=submission.already_signed,
        rendered=submission.rendered,
    )
