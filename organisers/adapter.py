"""allauth adapter: sign-up by invitation (or opened by a setting); organisers land on the dashboard."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

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
