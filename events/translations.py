"""An event's text in the visitor's (or attendee's) language."""

from django.utils.translation import get_language

from petitions.translations import base_language, localise_campaign

from .models import Event, EventTranslation


def localise_event(event: Event, language: str | None = None) -> Event:
    """Put the translation's title and description for this language on the event (and its
    campaign's on the campaign), if there is one. For display only: Event.save() refuses it; one
    event, one count of places whatever the language."""
    language = base_language(language or get_language())
    if "campaign" in event._state.fields_cache:
        localise_campaign(event.campaign, language)
    if getattr(event, "shown_language", None) is not None:
        return event
    translation = (
        EventTranslation.objects.filter(event_id=event.pk, language=language)
        .only("title", "description_html")
        .first()
    )
    if translation is not None:
        event.title = translation.title
        event.description_html = translation.description_html
        event.shown_language = language
    return event
