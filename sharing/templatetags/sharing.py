from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from events.models import Event
from petitions.models import Statement

from .. import services, widgets

register = template.Library()


def _description(html: str) -> str:
    return Truncator(" ".join(strip_tags(html).split())).chars(200)


def _card(context) -> dict:
    statement, event, campaign = context.get("statement"), context.get("event"), context.get("campaign")
    request = context.get("request")
    url = settings.SITE_URL + (request.path if request else "/")
    if isinstance(statement, Statement) and statement.pk:
        return {
            "title": statement.title,
            "description": _description(statement.body_html) or statement.campaign.title,
            "url": settings.SITE_URL + statement.get_absolute_url(),
            "image": reverse("sharing:statement_image", args=[statement.campaign.slug, statement.slug]),
            "image_alt": _("%(title)s — %(campaign)s")
            % {"title": statement.title, "campaign": statement.campaign.title},
        }
    if isinstance(event, Event) and event.pk:
        return {
            "title": event.title,
            "description": _description(event.description_html) or event.campaign.title,
            "url": settings.SITE_URL + event.get_absolute_url(),
            "image": reverse("sharing:campaign_image", args=[event.campaign.slug]),
            "image_alt": event.campaign.title,
        }
    if isinstance(campaign, Campaign) and campaign.pk:
        return {
            "title": campaign.title,
            "description": Truncator(campaign.summary).chars(200),
            "url": settings.SITE_URL + campaign.get_absolute_url(),
            "image": reverse("sharing:campaign_image", args=[campaign.slug]),
            "image_alt": campaign.title,
        }
    return {
        "title": _("Solidarity campaigns"),
        "description": _("Sign, share and organise in solidarity."),
        "url": url,
        "image": static("img/share.png"),
        "image_alt": _("Solidarity campaigns"),
    }


@register.inclusion_tag("sharing/_meta.html", takes_context=True)
def share_meta(context):
    """Open Graph and Twitter card tags for the page, from the statement, event or campaign shown."""
    card = _card(context)
    if not card["image"].startswith("http"):
        card["image"] = settings.SITE_URL + card["image"]
    return {"card": card}


@register.inclusion_tag("sharing/_share_actions.html")
def share_actions(target, heading=""):
    """WhatsApp, Telegram, X, Facebook, email, copy link and (on phones) the system's share sheet,
    each with its own utm_source, for a statement, event or campaign. Links only: no script needed
    but for copying and the share sheet."""
    urls = {channel: services.share_url(target, channel) for channel in services.CHANNELS}
    return {"title": target.title, "urls": urls, "heading": heading or _("Share")}


@register.inclusion_tag("sharing/_dashboard_panel.html", takes_context=True)
def sharing_panel(context, statement):
    """Short links, signatures by source and the embed snippets, for the organisers' dashboard."""
    from ..forms import ShortLinkForm

    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "statement": statement,
        "campaign": statement.campaign,
        "links": statement.short_links.all(),
        "form": context.get("short_link_form") or ShortLinkForm(),
        "sources": services.counts_by_source(statement),
        "channels": services.counts_by_channel(statement),
        "snippets": [
            {
                "language": get_language_info(code)["name_local"],
                "code": code,
                **widgets.snippets(statement, code),
            }
            for code, _name in settings.LANGUAGES
        ],
        "site_url": settings.SITE_URL,
    }
