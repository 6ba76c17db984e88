"""Emails to organisers (outbox builders): invitations, and allauth's account emails."""

from django.conf import settings
from django.urls import reverse

import outbox

from .models import Invitation


def invitation_message(invitation: Invitation) -> outbox.Email:
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "inviter": invitation.invited_by.email if invitation.invited_by else "",
        "accept_url": settings.SITE_URL + reverse("organisers:accept_invitation", args=[invitation.uuid]),
        "expires_at": invitation.expires_at,
    }
    return outbox.render("organisers/email/invitation", context, "")


@outbox.registry.builder("organisers.invitation")
def build_invitation(message) -> outbox.Email | None:
    """Nothing for an invitation used or expired before its mail went."""
    invitation = Invitation.objects.usable().select_related("campaign", "invited_by").filter(pk=message.ref)
    invitation = invitation.first()
    return None if invitation is None else invitation_message(invitation)


@outbox.registry.builder("organisers.account")
def build_account_email(message) -> outbox.Email:
    """An allauth email (verification, password reset), rendered by the adapter in the request.

    Its context (the request, keys) cannot be stored, so the outbox row holds the rendered parts.
    """
    parts = message.context
    return outbox.Email(
        subject=parts["subject"],
        text=parts["text"],
        html=parts.get("html") or "",
        from_email=parts.get("from_email") or "",
        headers=parts.get("headers") or {},
    )
