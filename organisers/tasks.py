"""Celery tasks for organisers: thin wrappers that take ids and reload."""

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .emails import invitation_message
from .models import Invitation


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> bool:
    """Email an invitation once; nothing is sent for an invitation already sent, used or expired."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("campaign", "invited_by")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.is_usable:
            return False
        invitation_message(invitation).send()
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_account_email(message: dict) -> None:
    """Deliver an account email (verification, password reset) rendered by the account adapter."""
    email = EmailMultiAlternatives(
        message["subject"],
        message["body"],
        message["from_email"],
        message["to"],
        headers=message.get("headers") or None,
    )
    email.content_subtype = message.get("content_subtype") or "plain"
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send()
