"""Dates in the event's time zone, calendar files (.ics) and "add to Google Calendar" links."""

import zoneinfo
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def utc_offset_label(moment: datetime) -> str:
    """ "UTC-5", "UTC+1", "UTC+5:30": unambiguous in any language, unlike zone abbreviations."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(event: Event, moment: datetime | None = None) -> str:
    moment = moment or event.local_starts_at
    return f"{event.time_zone.replace('_', ' ')} ({utc_offset_label(moment)})"


def when_text(
    event: Event, starts_at: datetime | None = None, ends_at: datetime | None = None, tz: str = ""
) -> str:
    """The event's date and time in its own zone, e.g. "Saturday 14 March 2026, 18:00–20:00"."""
    zone = zoneinfo.ZoneInfo(tz) if tz else event.tz
    start = timezone.localtime(starts_at or event.starts_at, zone)
    end = timezone.localtime(ends_at or event.ends_at, zone)
    day = formats.date_format(start, "l j F Y")
    start_time, end_time = f"{start:%H:%M}", f"{end:%H:%M}"
    if start.utcoffset() != end.utcoffset():
        # The clocks change during the event: say which side of the change each time is on.
        start_time = f"{start_time} ({utc_offset_label(start)})"
        end_time = f"{end_time} ({utc_offset_label(end)})"
    if start.date() == end.date():
        return f"{day}, {start_time}–{end_time}"
    return f"{day}, {start_time} – {formats.date_format(end, 'l j F Y')}, {end_time}"


def location_text(event: Event, *, attendee_view: bool) -> str:
    """Where it happens. Hidden places and join links only for people with a place."""
    parts = []
    if event.is_in_person and (attendee_view or not event.reveal_place_after_signup):
        parts.append(", ".join(line.strip() for line in event.place_text.splitlines() if line.strip()))
    if event.is_online:
        parts.append(event.join_url if attendee_view and event.join_url else gettext("Online"))
    return " · ".join(part for part in parts if part)


def _uid(event: Event) -> str:
    return f"{event.uuid}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _calendar_time(moment: datetime) -> datetime:
    """Local time with the zone, or UTC when the local time happens twice (clocks going back)."""
    if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
        return moment.astimezone(UTC)
    return moment


def ics(event: Event, *, description: str = "", url: str = "", attendee_view: bool = True) -> bytes:
    """An iCalendar file for the event, with its time zone, updated in place by SEQUENCE."""
    calendar = Calendar.new(prodid="-//Solidarity campaigns//Events//EN")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent.new(
        uid=_uid(event),
        stamp=timezone.now(),
        start=_calendar_time(event.local_starts_at),
        end=_calendar_time(event.local_ends_at),
        summary=event.title,
        description=description or None,
        location=location_text(event, attendee_view=attendee_view) or None,
        url=url or None,
        sequence=event.sequence,
    )
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _google_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, *, details: str = "", attendee_view: bool = True) -> str:
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_google_time(event.starts_at)}/{_google_time(event.ends_at)}",
        "ctz": event.time_zone,
        "details": details[:1500],
        "location": location_text(event, attendee_view=attendee_view),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
