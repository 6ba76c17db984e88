"""The update email: subject, text and HTML templates, with one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import headers
from petitions.text import markdown_to_text
from petitions.translations import localise

from .tokens import make_unsubscribe_token

# The name the confirm step's preview greets: each signer sees their own.
PREVIEW_NAME = "[name]"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(signature=None) -> str:
    return absolute(reverse("updates:unsubscribe", args=[make_unsubscribe_token(signature)]))


def update_message(
    update, to: str, *, signature=None, language: str = "", test: bool = False, name: str = ""
):
    """The update as an email to one signer (or, with test=True, to an organiser trying it out).

    Without a signature (a test, the confirm step's preview) `name` stands in for the signer's.
    """
    statement = localise(update.statement, language or settings.LANGUAGE_CODE)
    link = unsubscribe_url(signature)
    context = {
        "update": update,
        "body_text": markdown_to_text(update.body),
        "statement": statement,
        "campaign": statement.campaign,
        "statement_url": absolute(statement.get_absolute_url()),
        "unsubscribe_url": link,
        "name": signature.name if signature is not None else name,
        "test": test,
        "privacy_url": absolute(reverse("privacy:policy")),
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("updates/email/update_subject.txt", context).split())
        text = render_to_string("updates/email/update.txt", context)
        html = render_to_string("updates/email/update.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=headers.unsubscribe_headers(link),
    )
    message.attach_alternative(html, "text/html")
    return message
