from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from events import calendar
from events.models import Event
from tests.events.conftest import calendar_of
from tests.events.factories import AttendeeFactory, EventFactory, mail_attendee


@pytest.fixture
def lima(campaign):
    return EventFactory(
        campaign=campaign,
        slug="lima",
        title="Rally in Lima",
        time_zone="America/Lima",
        kind=Event.Kind.BOTH,
        venue_name="Plaza San Martín",
        address="Jirón de la Unión, Lima",
        starts_at=datetime(2099, 3, 14, 23, 0, tzinfo=UTC),
        ends_at=datetime(2099, 3, 15, 1, 0, tzinfo=UTC),
    )


def confirmation_calendar(event):
    mail_attendee(AttendeeFactory(event=event))
    [message] = mail.outbox
    return message, calendar_of(message)[1]


def test_the_ics_parses_back_with_the_events_zone_and_times(lima):
    message, parsed = confirmation_calendar(lima)

    [entry] = parsed.events
    assert entry.start == datetime(2099, 3, 14, 18, 0, tzinfo=ZoneInfo("America/Lima"))
    assert entry.end == datetime(2099, 3, 14, 20, 0, tzinfo=ZoneInfo("America/Lima"))
    assert entry.start.astimezone(UTC) == lima.starts_at
    assert entry["DTSTART"].params["TZID"] == "America/Lima"
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["America/Lima"]
    assert str(entry["summary"]) == "Rally in Lima"
    assert str(entry["uid"]).startswith(str(lima.uuid))
    assert str(entry["status"]) == "CONFIRMED"
    assert parsed["method"] == "REQUEST"


def test_the_ics_carries_the_place_join_link_and_manage_link(lima):
    message, parsed = confirmation_calendar(lima)

    [entry] = parsed.events
    assert "Plaza San Martín" in str(entry["location"])
    assert lima.join_url in str(entry["location"])
    assert lima.join_url in str(entry["description"])
    assert "/my-place/" in str(entry["url"])


def test_the_confirmation_email_shows_the_time_in_the_events_zone(lima, settings):
    settings.TIME_ZONE = "Europe/London"

    message, _ = confirmation_calendar(lima)

    assert "Saturday 14 March 2099, 18:00–20:00" in message.body
    assert "America/Lima (UTC-5)" in message.body
    assert "Plaza San Martín" in message.body


def test_the_google_calendar_link_has_utc_times_and_the_zone(lima):
    url = calendar.google_calendar_url(lima, details="x")

    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://calendar.google.com/calendar/render?")
    assert query["dates"] == ["20990314T230000Z/20990315T010000Z"]
    assert query["ctz"] == ["America/Lima"]
    assert query["text"] == ["Rally in Lima"]


def test_the_public_location_never_has_the_join_link_or_a_hidden_address(lima):
    lima.reveal_place_after_signup = True

    public = calendar.location_text(lima, attendee_view=False)

    assert lima.join_url not in public
    assert "Plaza" not in public
    assert public == "Online"


@pytest.mark.parametrize(
    ("zone", "utc_start", "expected"),
    [
        # The night the clocks go forward in London (01:00 GMT becomes 02:00 BST).
        (
            "Europe/London",
            datetime(2099, 3, 29, 0, 30, tzinfo=UTC),
            "Sunday 29 March 2099, 00:30 (UTC+0)–02:30 (UTC+1)",
        ),
        ("Europe/London", datetime(2099, 3, 29, 1, 30, tzinfo=UTC), "Sunday 29 March 2099, 02:30–03:30"),
        # The night they go back: 01:30 happens twice.
        (
            "Europe/London",
            datetime(2099, 10, 25, 0, 30, tzinfo=UTC),
            "Sunday 25 October 2099, 01:30 (UTC+1)–01:30 (UTC+0)",
        ),
        (
            "America/Lima",
            datetime(2099, 7, 1, 0, 0, tzinfo=UTC),
            "Tuesday 30 June 2099, 19:00 – Wednesday 1 July 2099, 00:00",
        ),
    ],
)
def test_it_shows_local_times_across_daylight_saving_changes(campaign, zone, utc_start, expected):
    from datetime import timedelta

    hours = 5 if zone == "America/Lima" else 1
    event = EventFactory(
        campaign=campaign, time_zone=zone, starts_at=utc_start, ends_at=utc_start + timedelta(hours=hours)
    )

    assert calendar.when_text(event) == expected


def test_an_event_across_the_autumn_change_lasts_its_real_length_in_the_ics(campaign):
    # 00:30 BST to 01:30 GMT on the night the clocks go back: two hours, not one.
    start = datetime(2099, 10, 24, 23, 30, tzinfo=UTC)
    event = EventFactory(
        campaign=campaign,
        time_zone="Europe/London",
        starts_at=start,
        ends_at=datetime(2099, 10, 25, 1, 30, tzinfo=UTC),
    )

    entry = icalendar.Calendar.from_ical(calendar.ics(event)).events[0]

    assert (entry.end.astimezone(UTC) - entry.start.astimezone(UTC)).total_seconds() == 2 * 3600
    assert entry.start.astimezone(UTC) == start


def test_utc_offset_labels():
    assert calendar.utc_offset_label(datetime(2099, 1, 1, tzinfo=ZoneInfo("Asia/Kolkata"))) == "UTC+5:30"
    assert calendar.utc_offset_label(datetime(2099, 7, 1, tzinfo=ZoneInfo("Europe/London"))) == "UTC+1"
    assert calendar.utc_offset_label(datetime(2099, 1, 1, tzinfo=ZoneInfo("Europe/London"))) == "UTC+0"
