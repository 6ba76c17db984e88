"""Events in a real Chromium at a phone's and a laptop's width, in English and Spanish: a full event
says what its button does, cancelling asks once, and a recording plays on the event page (under the
page's CSP) while the campaign page says "Watch"."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.emails import manage_url
from events.models import Attendee, EventTranslation
from tests.events.factories import AttendeeFactory, EventFactory
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PREFIX = {"en": "", "es": "/es"}
TEXT = {
    "en": {
        "waitlist": "Join the waitlist",
        "cancel": "Cancel my place",
        "ask": "Cancel your place?",
        "yes": "Yes, cancel my place",
        "done": "Your place is cancelled",
        "watch": "Watch the recording",
    },
    "es": {
        "waitlist": "Unirme a la lista de espera",
        "cancel": "Cancelar mi lugar",
        "ask": "¿Cancelar su lugar?",
        "yes": "Sí, cancelar mi lugar",
        "done": "Su lugar está cancelado",
        "watch": "Ver la grabación",
    },
}


@pytest.fixture
def event(transactional_db):
    statement = StatementFactory(campaign__slug="peru", slug="statement")
    event = EventFactory(campaign=statement.campaign, slug="rally", title="Emergency rally", capacity=1)
    EventTranslation.objects.create(
        event=event, language="es", title="Mitin de emergencia", description="En línea."
    )
    return event


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_full_event_offers_the_waitlist_and_cancelling_asks_once(request, device, language, event, console):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    attendee = AttendeeFactory(event=event, language=language)  # the only place is taken; no tally has run

    page.goto(PREFIX[language] + "/c/peru/events/rally/")
    button = page.locator(".event-form button[type=submit]")
    expect(button).to_have_text(TEXT[language]["waitlist"])
    expect(page.get_by_role("heading", name=TEXT[language]["waitlist"])).to_be_visible()
    _shot(page, f"event-full-{language}-{width}.png")

    page.goto(PREFIX[language] + manage_url(attendee).removeprefix("http://127.0.0.1:8000"))
    page.get_by_role("link", name=TEXT[language]["cancel"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXT[language]["ask"])
    _shot(page, f"event-cancel-ask-{language}-{width}.png")
    attendee.refresh_from_db()
    assert attendee.status == Attendee.Status.CONFIRMED
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT[language]["yes"]).click()
    expect(page.locator(".attendee-page")).to_contain_text(TEXT[language]["done"])
    attendee.refresh_from_db()
    assert attendee.status == Attendee.Status.CANCELLED

    page.goto(PREFIX[language] + "/c/peru/events/rally/")
    expect(page.locator(".event-form button[type=submit]")).not_to_have_text(TEXT[language]["waitlist"])
    assert console.errors == []


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_recording_plays_on_the_event_page_and_the_campaign_says_watch(
    request, device, language, event, console
):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    event.starts_at = timezone.now() - timezone.timedelta(days=3)
    event.ends_at = event.starts_at + timezone.timedelta(hours=1)
    event.recording_url = "https://vimeo.com/76979871"
    event.save()
    # No network here: the player's address answers with a page standing in for Vimeo's.
    page.route(
        "https://player.vimeo.com/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<body style='background:#123'>player</body>"
        ),
    )

    page.goto(PREFIX[language] + "/c/peru/")
    watch = page.locator(".recorded-events .button")
    expect(watch).to_be_visible()
    _shot(page, f"watch-campaign-{language}-{width}.png")
    watch.click()

    expect(page.get_by_role("heading", name=TEXT[language]["watch"])).to_be_visible()
    player = page.frame_locator(".video iframe")
    expect(player.locator("body")).to_have_text("player")
    box = page.locator(".video iframe").bounding_box()
    assert box["width"] <= width and abs(box["width"] / box["height"] - 16 / 9) < 0.05
    _shot(page, f"watch-event-{language}-{width}.png")
    assert [e for e in console.errors if "vimeo" not in e.lower()] == []
