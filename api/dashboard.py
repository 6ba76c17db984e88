"""API keys in the organisers' dashboard: owners create and revoke them; a key is shown once."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from organisers.views import member_required
from petitions.signup import see_other

from . import keys as key_services
from .forms import ApiKeyForm
from .models import ApiKey, ApiKeyUse

RECENT_USES = 20


def _page(request, membership, form, new_key=None, status=200):
    campaign = membership.campaign
    context = {
        "membership": membership,
        "campaign": campaign,
        "form": form,
        "new_key": new_key,
        "keys": ApiKey.objects.filter(campaign=campaign).select_related("created_by", "revoked_by"),
        "uses": ApiKeyUse.objects.filter(key__campaign=campaign).select_related("key")[:RECENT_USES],
        "api_root": request.build_absolute_uri("/api/v1/"),
        "schema_url": request.build_absolute_uri(reverse("api:openapi-view")),
    }
    return render(request, "api/keys.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@member_required(owner=True)
def keys(request, membership):
    if request.method == "POST":
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return _page(request, membership, form, status=400)
        created = key_services.create_key(
            membership.campaign, request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
        )
        # Shown in this answer only: it is not stored, and the page is not cached (never_cache).
        return _page(request, membership, ApiKeyForm(), new_key=created)
    return _page(request, membership, ApiKeyForm())


@require_POST
@member_required(owner=True)
def revoke(request, membership, key_uuid):
    key = get_object_or_404(ApiKey, campaign=membership.campaign, uuid=key_uuid)
    if key_services.revoke_key(key, request.user):
        messages.success(request, _("The key “%(name)s” no longer works.") % {"name": key.name})
    return see_other(reverse("apikeys:dashboard", args=[membership.campaign.slug]))
