"""The fund in the organisers' dashboard: settings, donations recorded by hand, voiding.

Every view goes through campaigns' member_required: outsiders get 404. Donations are recorded,
changed and voided only through funds.services, which audits each change.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaign.http import see_other
from campaigns.access import member_required
from safety.services import audit

from . import services
from .forms import DonationForm, FundForm, VoidForm
from .models import Fund


def _fund_page(request, membership, *, fund_form=None, donation_form=None, status=200):
    campaign = membership.campaign
    fund = Fund.objects.filter(campaign=campaign).first()
    context = {
        "membership": membership,
        "campaign": campaign,
        "fund": fund,
        "summary": services.summary(fund) if fund else None,
        "fund_form": fund_form or FundForm(instance=fund),
        "donation_form": donation_form or DonationForm(),
        "donations": fund.donations.select_related("recorded_by")[:200] if fund else [],
        "void_form": VoidForm(),
    }
    return render(request, "funds/dashboard.html", context, status=status)


@require_http_methods(["GET"])
@member_required
def fund(request, membership):
    return _fund_page(request, membership)


@require_POST
@member_required
def fund_settings(request, membership):
    fund = Fund.objects.filter(campaign=membership.campaign).first()
    form = FundForm(request.POST, instance=fund or Fund(campaign=membership.campaign))
    if not form.is_valid():
        return _fund_page(request, membership, fund_form=form, status=400)
    changes = {
        name: [str(form.initial.get(name, "")), str(form.cleaned_data[name])] for name in form.changed_data
    }
    fund = form.save()
    audit(
        request.user,
        "change fund" if changes and form.initial else "create fund",
        [("fund", fund.uuid, str(fund), changes)],
    )
    messages.success(request, _("The fund is saved."))
    return see_other(reverse("funds:dashboard", args=[membership.campaign.slug]))


@require_POST
@member_required
def record(request, membership):
    fund = get_object_or_404(Fund, campaign=membership.campaign)
    form = DonationForm(request.POST, instance=None)
    if not form.is_valid():
        return _fund_page(request, membership, donation_form=form, status=400)
    data = {name: form.cleaned_data[name] for name in services.DONATION_FIELDS}
    services.record_donation(fund, request.user, **data)
    messages.success(request, _("The donation is recorded; the total will be updated shortly."))
    return see_other(reverse("funds:dashboard", args=[membership.campaign.slug]))


@require_POST
@member_required
def void(request, membership, donation_uuid):
    fund = get_object_or_404(Fund, campaign=membership.campaign)
    donation = get_object_or_404(fund.donations, uuid=donation_uuid)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.void_donation(donation, request.user, form.cleaned_data["reason"])
        except ValidationError:
            pass
        else:
            messages.success(request, _("The donation is void; the total will be updated shortly."))
            return see_other(reverse("funds:dashboard", args=[membership.campaign.slug]))
    messages.error(request, _("Say why this donation is being voided."))
    return _fund_page(request, membership, status=400)
