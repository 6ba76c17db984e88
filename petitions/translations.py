"""A statement's or campaign's text in the visitor's (or signer's) language."""

from django.utils.translation import get_language

from campaigns.models import Campaign, CampaignTranslation

from .models import Statement, StatementTranslation


def base_language(language: str | None) -> str:
    return (language or "").split("-")[0].lower()


def localise(statement: Statement, language: str | None = None) -> Statement:
    """Put the translation's title and text for this language on the statement, if there is one.

    Everything that shows the statement (the page and its cache key, the counter, the thank-you
    page, emails) then shows that text, and the total stays the statement's own. Without a
    translation the original stays. The instance is for display only: Statement.save() refuses it.
    """
    language = base_language(language or get_language())
    if "campaign" in statement._state.fields_cache:
        localise_campaign(statement.campaign, language)
    if getattr(statement, "shown_language", None) is not None:
        return statement
    translation = (
        StatementTranslation.objects.filter(statement_id=statement.pk, language=language)
        .only("title", "body_html")
        .first()
    )
    if translation is not None:
        statement.title = translation.title
        statement.body_html = translation.body_html
        statement.shown_language = language
    return statement


def localise_campaign(campaign: Campaign, language: str | None = None) -> Campaign:
    """Put the translation's title and summary for this language on the campaign, if there is one.

    Like localise(): for display only (Campaign.save() refuses it); one campaign, one set of totals.
    """
    language = base_language(language or get_language())
    if getattr(campaign, "shown_language", None) is not None:
        return campaign
    translation = (
        CampaignTranslation.objects.filter(campaign_id=campaign.pk, language=language)
        .only("title", "summary")
        .first()
    )
    if translation is not None:
        campaign.title = translation.title
        campaign.summary = translation.summary
        campaign.shown_language = language
    return campaign
