"""Short links, where signatures came from, and the tags and snippet that share a page."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse

from petitions.models import Signature, Statement

from .models import ShortLink

# The value of the statement form's hidden `src` field after a short link. Only this one may come
# from a visitor's query string: "embed" is set by the widget view itself and "paper" by imports.
SHORT_LINK_SOURCE = Signature.Source.SHORT_LINK


def find(slug: str) -> ShortLink | None:
    return (
        ShortLink.objects.select_related("statement__campaign", "event__campaign")
        .filter(slug__iexact=slug.strip())
        .first()
    )


def redirect_url(link: ShortLink, query: QueryDict) -> str:
    """The target's URL, keeping the visitor's utm_* parameters (and marking statement visits)."""
    params = [
        (key, value[:200]) for key, values in query.lists() if key.startswith("utm_") for value in values
    ]
    if link.statement_id:
        params.append(("src", SHORT_LINK_SOURCE))
    url = link.target.get_absolute_url()
    return f"{url}?{urlencode(params)}" if params else url


# Where a shared link was sent from, as its utm_source: the statement form keeps it on the signature.
CHANNELS = ("whatsapp", "telegram", "x", "facebook", "email", "copy", "share")


def share_url(target, channel: str) -> str:
    """The link to share a statement, event or campaign from one channel, in the active language.

    The target's short link where it has one (/es/s/peru?utm_source=whatsapp), else its page; the
    short link keeps utm_* on its redirect, so the signature records the channel either way.
    """
    link = target.short_links.first() if hasattr(target, "short_links") else None
    if link is not None:
        path = reverse("sharing:short_link", args=[link.slug])
    else:
        path = target.get_absolute_url()
    return f"{settings.SITE_URL}{path}?{urlencode({'utm_source': channel})}"


def counts_by_channel(statement: Statement) -> list[tuple[str, int]]:
    """Confirmed signatures by the channel their link was shared on (utm_source), most first."""
    return list(
        Signature.objects.filter(statement=statement, status=Signature.Status.CONFIRMED)
        .exclude(utm_source="")
        .values_list("utm_source")
        .annotate(n=Count("pk"))
        .order_by("-n", "utm_source")[:20]
    )


def counts_by_source(statement: Statement) -> list[tuple[str, int]]:
    """Confirmed signatures by where they came from (web form, short link, widget, paper)."""
    counts = dict(
        Signature.objects.filter(statement=statement, status=Signature.Status.CONFIRMED)
        .values_list("source")
        .annotate(n=Count("pk"))
    )
    return [(label, counts.get(value, 0)) for value, label in Signature.Source.choices]


def fund_figure(campaign) -> str:
    """ "£3,526 raised" for a campaign's share image, or "" without a fund."""
    from django.utils.translation import gettext

    from funds.models import Fund
    from funds.services import format_money

    fund = Fund.objects.filter(campaign=campaign).first()
    if fund is None:
        return ""
    return gettext("%(amount)s raised") % {"amount": format_money(fund.raised, fund.currency)}
