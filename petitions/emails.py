"""Emails to signers: each is a subject, a text and an HTML template."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .tokens import make_confirm_token, make_withdraw_token
from .translations import localise


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _message(template: str, to: str, context: dict) -> EmailMultiAlternatives:
    subject = render_to_string(f"petitions/email/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"petitions/email/{template}.txt", context)
    html = render_to_string(f"petitions/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def signature_message(signature) -> EmailMultiAlternatives | None:
    """The mail for one submission: its confirmation link, with what a click does for its own choices.

    If the address has a confirmed signature already, the mail says so ("you have already signed")
    and the link offers this submission's choices instead: the mailbox owner decides. A submission
    that is no longer waiting for its owner's click (confirmed, superseded, withdrawn) gets nothing.
    """
    from .services import MAILABLE

    if signature.status not in MAILABLE:
        return None
    statement = localise(signature.statement, signature.language or settings.LANGUAGE_CODE)
    already_signed = (
        signature.email_normalized
        and type(signature)
        .objects.filter(
            statement_id=signature.statement_id,
            email_normalized=signature.email_normalized,
            status=signature.Status.CONFIRMED,
        )
        .exists()
    )
    # Links are made in the signer's language too: their URLs carry it (/es/…).
    with translation.override(signature.language or settings.LANGUAGE_CODE):
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
        return _message("already_signed" if already_signed else "confirm", signature.email, context)
