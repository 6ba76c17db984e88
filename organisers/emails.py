"""Emails to organisers: each is a subject, a text and an HTML template."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def invitation_message(invitation) -> EmailMultiAlternatives:
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "inviter": invitation.invited_by.email if invitation.invited_by else "",
        "accept_url": settings.SITE_URL + reverse("organisers:accept_invitation", args=[invitation.uuid]),
        "expires_at": invitation.expires_at,
    }
    subject = " ".join(render_to_string("organisers/email/invitation_subject.txt", context).split())
    text = render_to_string("organisers/email/invitation.txt", context)
    html = render_to_string("organisers/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    return message
