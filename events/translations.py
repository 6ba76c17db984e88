"""An event's text in the visitor's (or attendee's) language (see campaign.translations)."""

from campaign import translations
from campaigns.translations import localise_campaign

from .models import Event


def localise_event(event: Event, language: str | None = None) -> Event:
    """Put the translation's title and description for this language on the event (and its
    campaign's on the campaign), if there is one. For display only: Event.save() refuses it; one
    event, one count of places whatever the language."""
    if "campaign" in event._state.fields_cache:
        localise_campaign(event.campaign, language)
    return translations.localise(event, ("title", "description_html"), language)
