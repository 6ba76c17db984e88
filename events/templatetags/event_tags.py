from django import template

from .. import calendar
from ..models import Event
from ..translations import localise_event

register = template.Library()


@register.simple_tag
def upcoming_events(campaign, limit=10):
    """The campaign's events that have not ended, soonest first."""
    events = Event.objects.upcoming().filter(campaign=campaign).select_related("campaign")[:limit]
    return [localise_event(event) for event in events]


@register.simple_tag
def recorded_events(campaign, limit=10):
    """The campaign's events with a recording to watch, latest first."""
    events = (
        Event.objects.filter(campaign=campaign)
        .exclude(recording_url="")
        .exclude(status=Event.Status.CANCELLED)
        .select_related("campaign")
        .order_by("-starts_at")[:limit]
    )
    return [localise_event(event) for event in events]


@register.filter
def event_when(event):
    return calendar.when_text(event)


@register.filter
def event_zone(event):
    return calendar.zone_label(event)


@register.filter
def utc_iso(moment):
    return moment.isoformat()
