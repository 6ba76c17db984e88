"""Short links and embed snippets in the organisers' dashboard. Outsiders get 404."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaign.http import see_other
from campaigns.access import member_required
from petitions.models import Statement

from .forms import ShortLinkForm
from .models import ShortLink


def _statement(membership, statement_slug) -> Statement:
    return get_object_or_404(Statement, campaign=membership.campaign, slug=statement_slug)


def _page(request, membership, statement, form=None, status=200):
    context = {
        "membership": membership,
        "campaign": membership.campaign,
        "statement": statement,
        "short_link_form": form,
    }
    return render(request, "sharing/dashboard.html", context, status=status)


@require_GET
@member_required
def sharing(request, membership, statement_slug):
    return _page(request, membership, _statement(membership, statement_slug))


@require_POST
@member_required
def add_short_link(request, membership, statement_slug):
    statement = _statement(membership, statement_slug)
    form = ShortLinkForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                ShortLink.objects.create(
                    slug=form.cleaned_data["slug"],
                    campaign=membership.campaign,
                    statement=statement,
                    created_by=request.user,
                )
        except IntegrityError:  # taken by someone else a moment ago
            form.add_error("slug", _("This short link is taken."))
        else:
            messages.success(request, _("The short link is ready."))
            return see_other(reverse("sharing:dashboard", args=[membership.campaign.slug, statement.slug]))
    return _page(request, membership, statement, form, status=400)


@require_POST
@member_required
def remove_short_link(request, membership, statement_slug, slug):
    statement = _statement(membership, statement_slug)
    link = get_object_or_404(ShortLink, statement=statement, slug=slug.lower())
    link.delete()
    messages.success(request, _("The short link /s/%(slug)s no longer works.") % {"slug": link.slug})
    return see_other(reverse("sharing:dashboard", args=[membership.campaign.slug, statement.slug]))
