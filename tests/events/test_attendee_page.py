import re
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from events.emails import manage_url
from events.models import Attendee, Event
from events.tokens import make_manage_token
from tests.events.factories import AttendeeFactory, mail_attendee

SECRET = "https://meet.example.org/rally-secret-room"


def page_url(attendee):
    return f"/my-place/{make_manage_token(attendee)}/"


def test_it_shows_the_join_link_to_someone_with_a_place(client, event):
    attendee = AttendeeFactory(event=event)

    response = client.get(page_url(attendee))

    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET in html
    assert "you have a place" in html
    assert response["Referrer-Policy"] == "same-origin"  # the link is the key: never sent elsewhere
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_hides_the_join_link_from_the_waitlist(client, event):
    attendee = AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED)

    html = client.get(page_url(attendee)).content.decode()

    assert SECRET not in html
    assert "you are on the waitlist" in html
    assert "Leave the waitlist" in html


def test_it_hides_the_join_link_after_cancelling(client, event):
    attendee = AttendeeFactory(event=event, status=Attendee.Status.CANCELLED)

    html = client.get(page_url(attendee)).content.decode()

    assert SECRET not in html
    assert "Sign up again" in html


def test_it_reveals_a_hidden_address_to_someone_with_a_place(client, event):
    event.kind = Event.Kind.IN_PERSON
    event.venue_name = "Union hall"
    event.address = "1 Secret Street"
    event.reveal_place_after_signup = True
    event.save()
    attendee = AttendeeFactory(event=event)

    html = client.get(page_url(attendee)).content.decode()

    assert "1 Secret Street" in html


def test_it_cancels_a_place_from_the_page(client, event, mailed):
    attendee = AttendeeFactory(event=event)

    response = mailed(client.post, page_url(attendee) + "cancel/")

    assert response.status_code == 303
    attendee.refresh_from_db()
    assert attendee.status == Attendee.Status.CANCELLED
    assert "Your place is cancelled" in client.get(response["Location"]).content.decode()


def test_cancelling_asks_once_and_a_get_cancels_nothing(client, event):
    attendee = AttendeeFactory(event=event)
    page = client.get(page_url(attendee)).content.decode()
    # A link to the question, not a form (its token is signed at render time: compare its shape).
    links = re.findall(r'href="(/my-place/[^"/]+/cancel/)"', page)
    assert len(links) == 1 and '<form method="post" action="' + links[0] not in page

    response = client.get(links[0])

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cancel your place?" in html and "Yes, cancel my place" in html and "Keep my place" in html
    assert response["Cache-Control"].startswith("max-age=0")
    attendee.refresh_from_db()
    assert attendee.status == Attendee.Status.CONFIRMED


def test_leaving_the_waitlist_asks_in_spanish(client, event):
    attendee = AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED)

    html = client.get("/es" + page_url(attendee) + "cancel/").content.decode()

    assert "¿Salir de la lista de espera?" in html and "Seguir en la lista de espera" in html


def test_there_is_nothing_to_cancel_twice(client, event, mailed):
    attendee = AttendeeFactory(event=event)
    mailed(client.post, page_url(attendee) + "cancel/")

    response = client.get(page_url(attendee) + "cancel/")

    assert response.status_code == 303


def test_it_keeps_the_place_once_the_event_has_started(client, event):
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    attendee = AttendeeFactory(event=event)

    client.post(page_url(attendee) + "cancel/")

    attendee.refresh_from_db()
    assert attendee.status == Attendee.Status.CONFIRMED


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "WyJhIl0:1abc:bad"])
def test_it_answers_400_for_a_bad_link(client, token):
    assert client.get(f"/my-place/{token}/").status_code == 400
    assert client.post(f"/my-place/{token}/cancel/").status_code == 400


def test_it_rejects_a_token_for_another_purpose(client, event, confirmed_signature):
    from petitions.tokens import make_confirm_token

    assert client.get(f"/my-place/{make_confirm_token(confirmed_signature)}/").status_code == 400


def test_it_serves_the_calendar_file_to_someone_with_a_place(client, event):
    attendee = AttendeeFactory(event=event)

    response = client.get(page_url(attendee) + "calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    [entry] = calendar.events
    assert entry.start == event.starts_at
    assert SECRET in str(entry["description"])


def test_the_manage_link_in_the_email_opens_the_attendees_page(client, event, mailed):
    attendee = AttendeeFactory(event=event)
    mail_attendee(attendee)

    # The token is timestamped: compare what the mailed link opens, not its text.
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/my-place/\S+/)", mail.outbox[0].body)
    assert link.startswith(manage_url(attendee).removeprefix("http://127.0.0.1:8000").split(":")[0])
    page = client.get(link)
    assert page.status_code == 200
    assert attendee.name in page.content.decode()
