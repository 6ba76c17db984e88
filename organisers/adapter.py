"""allauth adapter: sign-up by invitation (or opened by a setting); organisers land on the dashboard."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

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
        """Render account emails (verification, password reset) in the request, send them from a worker.

        The message is rendered here because its context (request, site, keys) is not serialisable;
        the worker only delivers it, with retries around SMTP.
        """
        from allauth.core import context as allauth_context

        from campaign.queue import enqueue_on_commit

        from .tasks import send_account_email

        ctx = site.account_mail_context({"email": email, "request": allauth_context.request, **context})
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None
        )
        enqueue_on_commit(
            send_account_email,
            {
                "subject": message.subject,
                "body": message.body,
                "html": html,
                "content_subtype": message.content_subtype,
                "from_email": message.from_email,
                "to": list(message.to),
                "headers": dict(message.extra_headers),
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
