"""Staff sign in through allauth (rate limits, two-factor) and need two-factor when the setting says so."""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

PROTECTED_PREFIXES = ("/admin/", "/dashboard/")


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == reverse("admin:login"):
            # Django admin's own login form would bypass allauth's rate limits and two-factor step.
            next_url = request.GET.get("next") or reverse("admin:index")
            return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and path.startswith(PROTECTED_PREFIXES)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not has_totp(user)
        ):
            messages.warning(request, _("Staff accounts need two-factor authentication. Please set it up."))
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
