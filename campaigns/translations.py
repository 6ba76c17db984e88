"""A campaign's title and summary in the visitor's (or recipient's) language (see campaign.translations)."""

from campaign import translations

from .models import Campaign


def localise_campaign(campaign: Campaign, language: str | None = None) -> Campaign:
    """Put the translation's title and summary for this language on the campaign, if there is one.

    For display only (Campaign.save() refuses it); one campaign, one set of totals.
    """
    return translations.localise(campaign, ("title", "summary"), language)
