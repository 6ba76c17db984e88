"""Dates in the event's time zone, calendar invitations (.ics) and "add to Google Calendar" links."""

import zoneinfo
from datetime import UTC, datetime
from email.message import MIMEPart
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from outbox.headers import mail_domain

from .models import Attendee, Event

PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


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


def _uid(event: Event, attendee: Attendee | None = None) -> str:
    """One calendar entry per place: the same UID for every update of it, a new one for a new place.

    A place given again after a cancellation must not be taken for the cancelled entry, which
    calendars would keep cancelled; the moment the place was given tells the two apart.
    """
    place = f"-{int(attendee.confirmed_at.timestamp())}" if attendee and attendee.confirmed_at else ""
    return f"{event.uuid}{place}@{mail_domain()}"


def _calendar_time(moment: datetime) -> datetime:
    """Local time with the zone, or UTC when the local time happens twice (clocks going back)."""
    if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
        return moment.astimezone(UTC)
    return moment


def _organizer(event: Event) -> vCalAddress:
    """The campaign, at the address its mail comes from (calendars show it as the organiser)."""
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["CN"] = event.campaign.title
    return organizer


def _attendee(attendee: Attendee) -> vCalAddress:
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["CN"] = attendee.name
    address.params["ROLE"] = "REQ-PARTICIPANT"
    # They said yes by signing up; their answer is changed on the event's page, not by a reply.
    address.params["PARTSTAT"] = "DECLINED" if attendee.status == Attendee.Status.CANCELLED else "ACCEPTED"
    address.params["RSVP"] = "FALSE"
    return address


def ics(
    event: Event,
    attendee: Attendee | None = None,
    *,
    method: str = PUBLISH,
    description: str = "",
    url: str = "",
    attendee_view: bool = True,
) -> bytes:
    """An iCalendar file (iTIP, RFC 5546) for the event, updated in place by UID and SEQUENCE.

    REQUEST (mailed to an attendee, who is named in it) adds or updates their entry; CANCEL
    removes it (the event was cancelled, or the attendee gave up the place); PUBLISH is a file to
    import (the attendee page's download), with the same UID so a later REQUEST updates it.
    """
    calendar = Calendar.new(prodid="-//Solidarity campaigns//Events//EN")
    calendar.add("method", method)
    # Giving up a place is one step further than the entry the attendee has: a higher sequence.
    own_cancel = method == CANCEL and not event.is_cancelled
    entry = CalendarEvent.new(
        uid=_uid(event, attendee),
        stamp=timezone.now(),
        start=_calendar_time(event.local_starts_at),
        end=_calendar_time(event.local_ends_at),
        summary=event.title,
        description=description or None,
        location=location_text(event, attendee_view=attendee_view) or None,
        url=url or None,
        sequence=event.sequence + (1 if own_cancel else 0),
    )
    entry.add("status", "CANCELLED" if event.is_cancelled or method == CANCEL else "CONFIRMED")
    entry.add("organizer", _organizer(event))
    if attendee is not None and method != PUBLISH:
        entry.add("attendee", _attendee(attendee))
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation(event: Event, attendee: Attendee, *, method: str = REQUEST, **details) -> MIMEPart:
    """The .ics as a mail part whose Content-Type names the method, as calendar clients look for.

    Given as bytes so its CRLF line ends (RFC 5545) survive: the part is base64-encoded.
    """
    part = MIMEPart()
    part.set_content(
        ics(event, attendee, method=method, **details),
        "text",
        "calendar",
        params={"method": method, "charset": "utf-8"},
        disposition="attachment",
        filename="invite.ics" if method == REQUEST else "cancel.ics",
    )
    return part


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
