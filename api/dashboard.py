"""API keys in the organisers' dashboard: owners create and revoke them; a key is shown once."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from campaign.http import see_other
from campaigns.access import member_required

from . import keys as key_services
from . import webhooks
from .forms import ApiKeyForm, WebhookForm
from .models import ApiKey, ApiKeyUse, Webhook

RECENT_USES = 20


def _page(request, membership, form=None, new_key=None, webhook_form=None, new_webhook=None, status=200):
    campaign = membership.campaign
    context = {
        "membership": membership,
        "campaign": campaign,
        "form": form or ApiKeyForm(),
        "new_key": new_key,
        "webhook_form": webhook_form or WebhookForm(),
        "new_webhook": new_webhook,
        "webhooks": Webhook.objects.filter(campaign=campaign, disabled_at__isnull=True),
        "deliveries": webhooks.recent_deliveries(campaign),
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
        return _page(request, membership, new_key=created)
    return _page(request, membership)


@require_POST
@member_required(owner=True)
def revoke(request, membership, key_uuid):
    key = get_object_or_404(ApiKey, campaign=membership.campaign, uuid=key_uuid)
    if key_services.revoke_key(key, request.user):
        messages.success(request, _("The key “%(name)s” no longer works.") % {"name": key.name})
    return see_other(reverse("apikeys:dashboard", args=[membership.campaign.slug]))


@never_cache
@require_POST
@member_required(owner=True)
def add_webhook(request, membership):
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, webhook_form=form, status=400)
    webhook = webhooks.create_webhook(
        membership.campaign, request.user, form.cleaned_data["url"], form.cleaned_data["events"]
    )
    # The signing secret is shown in this answer only, like a new key.
    return _page(request, membership, new_webhook=webhook)


@require_POST
@member_required(owner=True)
def disable_webhook(request, membership, webhook_uuid):
    webhook = get_object_or_404(Webhook, campaign=membership.campaign, uuid=webhook_uuid)
    if webhooks.disable_webhook(webhook):
        messages.success(request, _("Nothing more will be sent to %(url)s.") % {"url": webhook.url})
    return see_other(reverse("apikeys:dashboard", args=[membership.campaign.slug]))
