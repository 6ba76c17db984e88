"""The update email (outbox builders): three templates, with one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

import outbox
from petitions.models import Signature
from petitions.text import markdown_to_text
from petitions.translations import localise

from .models import Delivery, Update
from .services import is_unsubscribed
from .tokens import make_unsubscribe_token

# The name the confirm step's preview greets: each signer sees their own.
PREVIEW_NAME = "[name]"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(signature=None) -> str:
    return absolute(reverse("updates:unsubscribe", args=[make_unsubscribe_token(signature)]))


def update_message(
    update, *, signature=None, language: str = "", test: bool = False, name: str = ""
) -> outbox.Email:
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
    email = outbox.render("updates/email/update", context, language)
    email.unsubscribe_url = link
    return email


def _still_wanted(signature: Signature, campaign_id: int) -> bool:
    return (
        signature.status == Signature.Status.CONFIRMED
        and signature.consent_contact
        and bool(signature.email)
        and not is_unsubscribed(campaign_id, signature.email_normalized)
    )


@outbox.registry.builder("updates.update")
def build_update(message) -> outbox.Email | None:
    """The update to one recipient, unless they unsubscribed or withdrew since the sending started."""
    delivery = (
        Delivery.objects.select_related("signature", "update__statement__campaign")
        .filter(pk=message.ref, status=Delivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return None
    signature, update = delivery.signature, delivery.update
    if not _still_wanted(signature, update.statement.campaign_id):
        _record(delivery, Delivery.Status.SKIPPED, "skipped_count")
        return None
    return update_message(update, signature=signature, language=signature.language)


@outbox.registry.on_dropped("updates.update")
def update_dropped(message) -> None:
    """Not sent (the address bounced or complained since): the recipient counts as left out."""
    delivery = Delivery.objects.filter(pk=message.ref, status=Delivery.Status.PENDING).first()
    if delivery is not None:
        _record(delivery, Delivery.Status.SKIPPED, "skipped_count")


@outbox.registry.on_sent("updates.update")
def update_sent(message) -> None:
    delivery = Delivery.objects.filter(pk=message.ref, status=Delivery.Status.PENDING).first()
    if delivery is not None:
        _record(delivery, Delivery.Status.SENT, "sent_count")


def _record(delivery: Delivery, status: str, counter: str) -> None:
    """Count the recipient as sent or skipped; the update is sent once nobody is left pending."""
    if not Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=status, sent_at=timezone.now()
    ):
        return
    Update.objects.filter(pk=delivery.update_id).update(**{counter: F(counter) + 1})
    if not Delivery.objects.filter(update_id=delivery.update_id, status=Delivery.Status.PENDING).exists():
        Update.objects.filter(pk=delivery.update_id, status=Update.Status.SENDING).update(
            status=Update.Status.SENT, finished_at=timezone.now()
        )


@outbox.registry.builder("updates.test")
def build_test(message) -> outbox.Email | None:
    """An organiser's test of a draft, marked as a test; no delivery is recorded."""
    update = Update.objects.select_related("statement__campaign").filter(pk=message.ref).first()
    user = get_user_model().objects.filter(pk=message.context.get("user")).first()
    if update is None or user is None or not user.email:
        return None
    return update_message(update, language=message.language, test=True)
