from django.http import Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns.models import Campaign
from campaigns.translations import localise_campaign
from petitions.models import Statement

from . import images, services


def public_statement(campaign_slug: str, statement_slug: str) -> Statement:
    return get_object_or_404(
        Statement.objects.public().select_related("campaign"),
        campaign__slug=campaign_slug,
        slug=statement_slug,
    )


@require_GET
@never_cache
def short_link(request, slug):
    """Redirect a short link to its statement or event, keeping utm_* parameters.

    302 rather than 301: an organiser may point the link elsewhere later, and browsers keep 301s.
    """
    # A NUL cannot be in any slug, and PostgreSQL refuses it in a query parameter.
    link = services.find(slug) if "\x00" not in slug else None
    if link is None:
        raise Http404
    if link.statement_id and not Statement.objects.public().filter(pk=link.statement_id).exists():
        raise Http404
    return HttpResponseRedirect(services.redirect_url(link, request.GET))


def _png(request, png: bytes, key: str) -> HttpResponse:
    etag = f'"{images.etag(key)}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    # Crawlers fetch it rarely; a short max-age lets a growing total show within minutes.
    patch_cache_control(response, public=True, max_age=600)
    return response


@require_GET
def statement_image(request, campaign_slug, statement_slug):
    statement = public_statement(campaign_slug, statement_slug)
    png, key = images.statement_image(statement)
    return _png(request, png, key)


@require_GET
def campaign_image(request, campaign_slug):
    campaign = localise_campaign(get_object_or_404(Campaign, slug=campaign_slug))
    png, key = images.campaign_image(campaign, services.fund_figure(campaign))
    return _png(request, png, key)
