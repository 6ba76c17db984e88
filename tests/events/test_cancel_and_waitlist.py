from datetime import timedelta

from django.core import mail
from django.utils import timezone

from events import services
from events.models import Attendee
from outbox import sender
from outbox.services import enqueue
from tests.events.factories import AttendeeFactory, mail_attendee


def waitlisted(event, minutes_ago, **kwargs):
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return AttendeeFactory(
        event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None, created_at=moment, **kwargs
    )


def test_it_frees_the_place_and_promotes_the_first_on_the_waitlist(event, mailed):
    event.capacity = 1
    event.save()
    leaving = AttendeeFactory(event=event)
    second = waitlisted(event, 5)
    first = waitlisted(event, 10)

    assert mailed(services.cancel, leaving.pk) is True

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Attendee.Status.CONFIRMED
    assert first.promoted_at is not None
    assert second.status == Attendee.Status.WAITLISTED
    [message] = [m for m in mail.outbox if m.to == [first.email]]
    assert "A place has opened up" in message.subject
    assert event.join_url in message.body
    assert message.attachments


def test_it_does_nothing_the_second_time(event, mailed):
    event.capacity = 1
    event.save()
    leaving = AttendeeFactory(event=event)
    mail_attendee(leaving)  # their place was mailed: giving it up is mailed too (the calendar entry)
    mail.outbox.clear()
    waitlisted(event, 10)
    waitlisted(event, 5)
    mailed(services.cancel, leaving.pk)

    assert mailed(services.cancel, leaving.pk) is False

    assert Attendee.objects.filter(status=Attendee.Status.CONFIRMED).count() == 1
    assert len(mail.outbox) == 2  # the place given up, the place given: once each


def test_leaving_the_waitlist_promotes_nobody(event, mailed):
    event.capacity = 1
    event.save()
    AttendeeFactory(event=event)
    leaving = waitlisted(event, 10)
    staying = waitlisted(event, 5)

    mailed(services.cancel, leaving.pk)

    staying.refresh_from_db()
    assert staying.status == Attendee.Status.WAITLISTED
    assert mail.outbox == []


def test_it_sends_one_email_when_promoted_before_the_waitlist_email_went_out(event, mailed):
    # Given a waitlist email that is due but not yet sent (senders down)
    event.capacity = 1
    event.save()
    leaving = AttendeeFactory(event=event)
    waiting = waitlisted(event, 1, mails_requested=1)
    enqueue("events.attendee", waiting.email, ref=waiting.pk)

    # When they are promoted and the senders catch up
    services.cancel(leaving.pk)
    sender.drain()

    # Then they get one email, and it says they have a place
    [message] = mail.outbox
    assert "A place has opened up" in message.subject


def test_a_larger_capacity_promotes_from_the_waitlist(event, mailed):
    event.capacity = 1
    event.save()
    AttendeeFactory(event=event)
    first = waitlisted(event, 10)
    second = waitlisted(event, 5)
    previous = type(event).objects.get(pk=event.pk)

    event.capacity = 2
    mailed(services.save_event, event, previous)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Attendee.Status.CONFIRMED
    assert second.status == Attendee.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[first.email]]


def test_nobody_is_promoted_once_the_event_has_started(event, mailed):
    event.capacity = 1
    event.starts_at = timezone.now() - timedelta(minutes=1)
    event.save()
    leaving = AttendeeFactory(event=event)
    waiting = waitlisted(event, 10)

    mailed(services.cancel, leaving.pk)

    waiting.refresh_from_db()
    assert waiting.status == Attendee.Status.WAITLISTED


def test_it_sends_no_email_to_someone_who_cancelled_before_it_went_out(event):
    attendee = AttendeeFactory(event=event, status=Attendee.Status.CANCELLED)

    assert mail_attendee(attendee).status == "dropped"

    assert mail.outbox == []
