"""A statement's text in the visitor's (or signer's) language."""

from django.utils.translation import get_language

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
