"""allauth adapter: sign-up by invitation (or opened by a setting); organisers land on the dashboard."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from outbox.services import enqueue

from . import site
from .models import Invitation

INVITATION_SESSION_KEY = "organisers.invitation"


def remember_invitation(request, invitation: Invitation) -> None:
    request.session[INVITATION_SESSION_KEY] = str(invitation.uuid)


def pending_invitation(request) -> Invitation | None:
    """The usable invitation this visitor opened, if any."""
    value = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    if not value:
        return None
    return Invitation.objects.usable().filter(uuid=value).first()


def forget_invitation(request) -> None:
    request.session.pop(INVITATION_SESSION_KEY, None)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render account emails (verification, password reset) in the request; the outbox sends them.

        The message is rendered here because its context (request, site, keys) is not serialisable.
        The outbox row is in PostgreSQL, so the mail survives Redis being down.
        """
        from allauth.core import context as allauth_context

        ctx = site.account_mail_context({"email": email, "request": allauth_context.request, **context})
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        # The outbox gives every mail its own Message-ID; other headers allauth set are kept.
        extra = {k: v for k, v in message.extra_headers.items() if k.lower() != "message-id"}
        enqueue(
            "organisers.account",
            email,
            context={
                "subject": message.subject,
                "text": text,
                "html": html,
                "from_email": message.from_email,
                "headers": extra,
            },
        )

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def is_open_for_signup(self, request) -> bool:
        if settings.ORGANISER_SIGNUP_OPEN:
            return True
        return pending_invitation(request) is not None

    def _next_url(self, request) -> str:
        invitation = pending_invitation(request)
        if invitation is not None:
            return reverse("organisers:accept_invitation", args=[invitation.uuid])
        return reverse("organisers:home")

    def get_login_redirect_url(self, request) -> str:
        return self._next_url(request)

    def get_signup_redirect_url(self, request) -> str:
        return self._next_url(request)
