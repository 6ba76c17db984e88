"""Events in a real Chromium: local times, signing up and cancelling on a phone, checking in at the door."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Attendee
from tests.browser.conftest import PHONE
from tests.events.factories import AttendeeFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, console, timezone_id, **options):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id=timezone_id, **options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.attach(page)
    return context, page


@pytest.fixture
def lima_event(campaign):
    # 18:00 in Lima on 14 March is 23:00 in London (GMT) the same day.
    return EventFactory(
        campaign=campaign,
        slug="lima",
        title="Rally in Lima",
        time_zone="America/Lima",
        starts_at=datetime(2099, 3, 14, 23, 0, tzinfo=UTC),
        ends_at=datetime(2099, 3, 15, 1, 0, tzinfo=UTC),
    )


def test_a_visitor_in_london_sees_the_lima_time_and_their_own(browser, live_server, console, lima_event):
    context, page = _page(browser, live_server, console, "Europe/London")
    try:
        page.goto(lima_event.get_absolute_url())
        when = page.locator(".event-facts .event-when")
        expect(when).to_contain_text("Saturday 14 March 2099, 18:00–20:00")
        expect(when).to_contain_text("America/Lima (UTC-5)")
        local = page.locator("[data-local-time]")
        expect(local).to_be_visible()
        expect(local).to_contain_text("Your time:")
        expect(local).to_contain_text("23:00")
        expect(local).to_contain_text("01:00")
        assert console.errors == []
    finally:
        context.close()


def test_a_visitor_in_lima_sees_no_second_time(browser, live_server, console, lima_event):
    context, page = _page(browser, live_server, console, "America/Lima")
    try:
        page.goto(lima_event.get_absolute_url())
        expect(page.locator(".event-facts .event-when")).to_contain_text("18:00–20:00")
        expect(page.locator(".event-facts [data-local-time]")).to_be_hidden()
    finally:
        context.close()


def test_signing_up_and_cancelling_on_a_phone(browser, live_server, console, lima_event):
    context, page = _page(browser, live_server, console, "Europe/London", **PHONE)
    try:
        page.goto(lima_event.get_absolute_url())
        page.get_by_role("textbox", name="Your name", exact=True).fill("Rosa Parks")
        page.get_by_role("textbox", name="Email", exact=True).fill("rosa@example.org")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign up", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        assert lima_event.join_url not in page.content()

        # The place is Rosa's once she opens the link in her email; it takes her to her own page.
        attendee = Attendee.objects.get()
        assert attendee.status == Attendee.Status.PENDING
        [link_mail] = mail.outbox
        assert lima_event.join_url not in link_mail.body
        link = re.search(r"https?://[^/\s]+(/my-place/confirm/\S+)", link_mail.body).group(1)
        page.goto(link)
        attendee.refresh_from_db()
        assert attendee.status == Attendee.Status.CONFIRMED
        assert lima_event.join_url in mail.outbox[-1].body
        expect(page.get_by_role("link", name="Join the event")).to_have_attribute("href", lima_event.join_url)
        page.get_by_role("link", name="Cancel my place").click()
        # Asked once, and nothing is cancelled until the answer.
        expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your place?")
        attendee.refresh_from_db()
        assert attendee.status == Attendee.Status.CONFIRMED
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, cancel my place").click()
        expect(page.locator(".attendee-page")).to_contain_text("Your place is cancelled")
        attendee.refresh_from_db()
        assert attendee.status == Attendee.Status.CANCELLED
        assert console.errors == []
    finally:
        context.close()


def test_checking_someone_in_at_the_door_on_a_phone(browser, live_server, console, campaign):
    from campaigns.models import Membership, Role
    from tests.organisers.conftest import make_user

    alice = make_user("alice@example.org")
    Membership.objects.create(campaign=campaign, user=alice, role=Role.OWNER)
    event = EventFactory(campaign=campaign, slug="rally")
    AttendeeFactory(event=event, name="Rosa Luxemburg")
    AttendeeFactory(event=event, name="Antonio Gramsci")
    context, page = _page(browser, live_server, console, "Europe/London", **PHONE)
    try:
        # Log in the way an organiser's phone would already be: with alice's session cookie.
        from django.test import Client

        client = Client()
        client.force_login(alice)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])

        page.goto(f"/dashboard/c/{event.campaign.slug}/events/{event.slug}/check-in/")
        page.get_by_role("searchbox").fill("rosa")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=rosa**")
        expect(page.locator(".checkin-list li")).to_have_count(1)
        with page.expect_navigation():
            page.get_by_role("button", name="Check in").click()
        expect(page.locator(".checkin-list")).to_contain_text("Here")
        assert Attendee.objects.get(name="Rosa Luxemburg").attended_at is not None
        assert Attendee.objects.get(name="Antonio Gramsci").attended_at is None
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1]
        assert console.errors == []
    finally:
        context.close()
