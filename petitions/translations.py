"""A statement's text in the visitor's (or signer's) language (see campaign.translations)."""

from campaign import translations
from campaigns.translations import localise_campaign

from .models import Statement


def localise(statement: Statement, language: str | None = None) -> Statement:
    """Put the translation's title and text for this language on the statement, if there is one.

    Everything that shows the statement (the page and its cache key, the counter, the thank-you
    page, emails) then shows that text, and the total stays the statement's own. Without a
    translation the original stays. The instance is for display only: Statement.save() refuses it.
    """
    if "campaign" in statement._state.fields_cache:
        localise_campaign(statement.campaign, language)
    return translations.localise(statement, ("title", "body_html"), language)
