from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events.models import Event
from tests.events.factories import AttendeeFactory, EventFactory
from tests.factories import StatementFactory

URL = "/c/peru/events/rally/"
SECRET = "meet.example.org/rally-secret-room"


@pytest.fixture
def lima_event(campaign):
    # 18:00 in Lima (UTC-5, no daylight saving) is 23:00 UTC, which is 23:00 in London in March.
    return EventFactory(
        campaign=campaign,
        slug="lima",
        time_zone="America/Lima",
        starts_at=datetime(2099, 3, 14, 23, 0, tzinfo=UTC),
        ends_at=datetime(2099, 3, 15, 1, 0, tzinfo=UTC),
    )


def test_it_shows_the_time_in_the_events_own_zone(client, lima_event, settings):
    settings.TIME_ZONE = "Europe/London"  # the server's zone must not matter

    html = client.get("/c/peru/events/lima/").content.decode()

    assert "Saturday 14 March 2099, 18:00–20:00" in html
    assert "America/Lima (UTC-5)" in html


def test_it_gives_the_browser_the_utc_instant_for_the_visitors_local_time(client, lima_event):
    html = client.get("/c/peru/events/lima/").content.decode()

    assert 'data-start="2099-03-14T23:00:00+00:00"' in html
    assert 'data-end="2099-03-15T01:00:00+00:00"' in html
    assert 'data-zone="America/Lima"' in html
    assert "local-time.js" in html
    assert "<script>" not in html  # no inline script: the built-in CSP forbids it


def test_it_shows_an_event_that_ends_the_next_day_with_both_dates(client, campaign):
    EventFactory(
        campaign=campaign,
        slug="vigil",
        time_zone="Europe/London",
        starts_at=datetime(2099, 7, 1, 21, 0, tzinfo=UTC),
        ends_at=datetime(2099, 7, 2, 1, 0, tzinfo=UTC),
    )

    html = client.get("/c/peru/events/vigil/").content.decode()

    assert "Wednesday 1 July 2099, 22:00 – Thursday 2 July 2099, 02:00" in html
    assert "Europe/London (UTC+1)" in html


def test_it_never_shows_the_join_link_on_public_pages(client, event, statement):
    AttendeeFactory(event=event)
    for url in [URL, "/c/peru/", "/c/peru/events/rally/check-your-email/"]:
        html = client.get(url).content.decode()
        assert SECRET not in html, url


def _fill(event, capacity, taken):
    event.capacity = capacity
    event.save()
    AttendeeFactory.create_batch(taken, event=event)


def test_it_shows_places_left_from_the_attendees_not_the_lagging_tally(client, event):
    _fill(event, capacity=10, taken=7)
    event.places_taken = 0  # the tally has not run yet
    event.save()

    html = client.get(URL).content.decode()

    assert "3 places left" in html


def test_it_shows_full_the_moment_the_last_place_is_taken(client, event):
    _fill(event, capacity=2, taken=2)

    html = client.get(URL).content.decode()

    assert "places left" not in html and "place left" not in html
    assert "Full: you can join the waitlist." in html


def test_when_full_the_button_says_join_the_waitlist_and_what_happens(client, event):
    _fill(event, capacity=10, taken=10)

    html = client.get(URL).content.decode()

    assert '<button type="submit" class="button primary block">Join the waitlist</button>' in html
    assert "You get your place at once" not in html
    assert "If someone cancels, their place goes to the first person waiting" in html
    assert 'name="email"' in html


def test_with_places_the_button_says_sign_up(client, event):
    _fill(event, capacity=10, taken=3)

    html = client.get(URL).content.decode()

    assert '<button type="submit" class="button primary block">Sign up</button>' in html
    assert "your place is yours when you open it" in html


def test_the_spanish_full_event_says_so_in_spanish(client, event):
    _fill(event, capacity=1, taken=1)

    html = client.get("/es" + URL).content.decode()

    assert "Unirse a la lista de espera" in html or "lista de espera" in html
    assert "El evento está lleno." in html


def test_it_shows_no_form_when_full_without_a_waitlist(client, event):
    _fill(event, capacity=10, taken=10)
    event.waitlist = False
    event.save()

    html = client.get(URL).content.decode()

    assert "This event is full" in html
    assert 'name="email"' not in html


def test_it_hides_the_address_until_sign_up_when_asked_to(client, event):
    event.kind = Event.Kind.IN_PERSON
    event.venue_name = "Friends Meeting House"
    event.address = "173 Euston Road, London"
    event.reveal_place_after_signup = True
    event.save()

    html = client.get(URL).content.decode()

    assert "Euston Road" not in html
    assert "the place is sent to you when you sign up" in html


def test_it_shows_a_public_address(client, event):
    event.kind = Event.Kind.IN_PERSON
    event.venue_name = "Friends Meeting House"
    event.address = "173 Euston Road, London"
    event.save()

    html = client.get(URL).content.decode()

    assert "Friends Meeting House" in html and "173 Euston Road" in html


def test_it_shows_a_past_event_as_past_without_a_form(client, event):
    event.starts_at = timezone.now() - timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()

    html = client.get(URL).content.decode()

    assert "This event has taken place." in html
    assert 'name="email"' not in html


def test_it_says_a_cancelled_event_is_cancelled(client, event):
    event.status = Event.Status.CANCELLED
    event.save()

    html = client.get(URL).content.decode()

    assert "This event has been cancelled." in html
    assert 'name="email"' not in html


def test_it_renders_the_description_as_sanitised_markdown(client, event):
    event.description = "**Bring banners** <script>alert(1)</script>"
    event.save()

    html = client.get(URL).content.decode()

    assert "<strong>Bring banners</strong>" in html
    assert "<script>alert(1)" not in html


def test_it_lists_upcoming_events_on_the_campaign_page(client, campaign, statement):
    EventFactory(campaign=campaign, slug="soon", title="Picket at the embassy")
    EventFactory(
        campaign=campaign,
        slug="over",
        title="Last month's meeting",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=1),
    )
    EventFactory(slug="elsewhere", title="Another campaign's event")

    html = client.get("/c/peru/").content.decode()

    assert "Upcoming events" in html
    assert "Picket at the embassy" in html
    assert "/c/peru/events/soon/" in html
    assert "Last month's meeting" not in html
    assert "Another campaign's event" not in html


def test_it_shows_no_events_section_without_upcoming_events(client, statement):
    html = client.get("/c/peru/").content.decode()

    assert "Upcoming events" not in html


def test_it_answers_404_for_an_unknown_event(client, campaign):
    StatementFactory(campaign=campaign)
    assert client.get("/c/peru/events/nope/").status_code == 404
