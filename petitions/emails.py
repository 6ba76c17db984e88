"""Emails to signers (outbox builders): each is a subject, a text and an HTML template."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

import outbox

from .models import Signature
from .services import MAILABLE
from .tokens import make_confirm_token, make_withdraw_token
from .translations import localise


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def signature_message(signature: Signature) -> outbox.Email | None:
    """The mail for one submission: its confirmation link, with what a click does for its own choices.

    If the address has a confirmed signature already, the mail says so ("you have already signed")
    and the link offers this submission's choices instead: the mailbox owner decides. A submission
    that is no longer waiting for its owner's click (confirmed, superseded, withdrawn) gets nothing.
    """
    if signature.status not in MAILABLE:
        return None
    language = signature.language or settings.LANGUAGE_CODE
    statement = localise(signature.statement, language)
    already_signed = (
        signature.email_normalized
        and Signature.objects.filter(
            statement_id=signature.statement_id,
            email_normalized=signature.email_normalized,
            status=Signature.Status.CONFIRMED,
        ).exists()
    )
    # Links are made in the signer's language too: their URLs carry it (/es/…).
    with translation.override(language):
        context = {
            "signature": signature,
            "statement": statement,
            "campaign": statement.campaign,
            "listing_reviewed": signature.statement.listing_reviewed(signature.kind),
            "statement_url": absolute(statement.get_absolute_url()),
            "confirm_url": absolute(reverse("petitions:confirm", args=[make_confirm_token(signature)])),
            "withdraw_url": absolute(reverse("privacy:withdraw", args=[make_withdraw_token(signature)])),
            "privacy_url": absolute(reverse("privacy:policy")),
        }
    template = "already_signed" if already_signed else "confirm"
    return outbox.render(f"petitions/email/{template}", context, language)


@outbox.registry.builder("petitions.signature")
def build_signature_mail(message) -> outbox.Email | None:
    """What the submission's mail says when it goes: confirm it, or you have already signed.

    Nothing for a submission no longer waiting for its owner's click (confirmed, superseded,
    withdrawn, anonymised) nor once the statement has closed.
    """
    signature = (
        Signature.objects.select_related("statement__campaign")
        .filter(pk=message.ref)
        .exclude(email="")
        .first()
    )
    if signature is None or not signature.statement.is_open:
        return None
    return signature_message(signature)
