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


def signature_message(signature) -> EmailMultiAlternatives:
    """The confirmation email for a pending signature, or "you have already signed" for a confirmed one."""
    statement = localise(signature.statement, signature.language or settings.LANGUAGE_CODE)
    context = {
        "signature": signature,
        "statement": statement,
        "campaign": statement.campaign,
        "statement_url": absolute(statement.get_absolute_url()),
        "withdraw_url": absolute(reverse("privacy:withdraw", args=[make_withdraw_token(signature)])),
        "privacy_url": absolute(reverse("privacy:policy")),
    }
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        if signature.status == signature.Status.CONFIRMED:
            return _message("already_signed", signature.email, context)
        token = make_confirm_token(signature)
        context["confirm_url"] = absolute(reverse("petitions:confirm", args=[token]))
        return _message("confirm", signature.email, context)
