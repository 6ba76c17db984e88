"""Calendar invitations (iTIP, RFC 5546): ORGANIZER and ATTENDEE, REQUEST with a stable UID whose
SEQUENCE grows with each change, CANCEL when the attendee or the organisers cancel. A second parser
(vobject) reads what icalendar wrote."""

from datetime import timedelta

import pytest
import vobject
from django.core import mail

from events import services
from events.models import Attendee
from tests.events.conftest import calendar_of
from tests.events.factories import AttendeeFactory, mail_attendee


@pytest.fixture
def ana(event):
    return AttendeeFactory(event=event, name="Ana Quispe", email="ana@example.org")


def invitation_to(attendee, mailed):
    mail_attendee(attendee)
    [message] = [m for m in mail.outbox if m.to == [attendee.email]][-1:]
    return calendar_of(message)


def test_the_invitation_is_a_request_from_the_campaign_to_the_attendee(event, ana, mailed, settings):
    settings.DEFAULT_FROM_EMAIL = "Solidarity campaigns <no-reply@campaign.example.org>"

    part, calendar = invitation_to(ana, mailed)

    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert calendar["method"] == "REQUEST"
    [entry] = calendar.events
    assert str(entry["organizer"]) == "mailto:no-reply@campaign.example.org"
    assert entry["organizer"].params["CN"] == event.campaign.title
    assert str(entry["attendee"]) == "mailto:ana@example.org"
    assert entry["attendee"].params["CN"] == "Ana Quispe"
    assert entry["attendee"].params["PARTSTAT"] == "ACCEPTED"


def test_a_second_parser_reads_the_invitation(event, ana, mailed):
    part, _ = invitation_to(ana, mailed)

    parsed = vobject.readOne(part.get_payload(decode=True).decode())

    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.organizer.value.startswith("mailto:")
    assert parsed.vevent.attendee.value == "mailto:ana@example.org"
    assert parsed.vevent.summary.value == event.title
    assert parsed.vevent.dtstart.value.utcoffset() is not None


def test_a_changed_time_updates_the_same_entry(event, ana, mailed):
    _, first = invitation_to(ana, mailed)
    previous = type(event).objects.get(pk=event.pk)
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)

    mailed(services.save_event, event, previous)

    [change] = [m for m in mail.outbox if "Changed" in m.subject]
    _, second = calendar_of(change)
    before, after = first.events[0], second.events[0]
    assert second["method"] == "REQUEST"
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.start == before.start + timedelta(hours=2)


def test_giving_up_the_place_cancels_the_entry(event, ana, mailed):
    _, invitation = invitation_to(ana, mailed)
    ana.refresh_from_db()

    mailed(services.cancel, ana.pk)

    [cancelled] = [m for m in mail.outbox if m.subject.startswith("Your place is cancelled")]
    assert cancelled.to == ["ana@example.org"]
    part, calendar = calendar_of(cancelled)
    entry = calendar.events[0]
    assert (calendar["method"], part.get_param("method")) == ("CANCEL", "CANCEL")
    assert entry["uid"] == invitation.events[0]["uid"]
    assert entry["sequence"] > invitation.events[0]["sequence"]
    assert entry["status"] == "CANCELLED"
    assert entry["attendee"].params["PARTSTAT"] == "DECLINED"
    assert event.join_url not in cancelled.body
    assert event.join_url not in part.get_payload(decode=True).decode()


def test_the_organisers_cancelling_cancels_the_entry(event, ana, mailed):
    _, invitation = invitation_to(ana, mailed)

    mailed(services.cancel_event, event)

    [notice] = [m for m in mail.outbox if m.subject.startswith("Cancelled:")]
    _, calendar = calendar_of(notice)
    assert calendar["method"] == "CANCEL"
    assert calendar.events[0]["uid"] == invitation.events[0]["uid"]
    assert calendar.events[0]["sequence"] > invitation.events[0]["sequence"]


def test_a_place_taken_again_is_a_new_entry(event, ana, mailed):
    _, first = invitation_to(ana, mailed)
    mailed(services.cancel, ana.pk)
    later = ana.confirmed_at + timedelta(minutes=5)
    Attendee.objects.filter(pk=ana.pk).update(
        status=Attendee.Status.CONFIRMED, confirmed_at=later, mails_requested=3
    )

    _, again = invitation_to(ana, mailed)

    assert again.events[0]["uid"] != first.events[0]["uid"]


def test_leaving_the_waitlist_sends_no_calendar(event, mailed):
    waiting = AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None)

    mailed(services.cancel, waiting.pk)

    assert mail.outbox == []
