from datetime import timedelta

from django.core import mail
from django.utils import timezone

from events import services
from events.models import Attendee
from tests.events.factories import AttendeeFactory


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
    # Given a waitlist email that is due but not yet sent (worker down)
    event.capacity = 1
    event.save()
    leaving = AttendeeFactory(event=event)
    waiting = waitlisted(event, 1, mails_requested=1, mails_sent=0)

    # When they are promoted and the worker catches up
    services.cancel(leaving.pk)
    services.send_attendee_mail(waiting.pk)
    services.send_attendee_mail(waiting.pk)

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
    attendee = AttendeeFactory(event=event, mails_sent=0, status=Attendee.Status.CANCELLED)

    assert services.send_attendee_mail(attendee.pk) is False

    assert mail.outbox == []
    attendee.refresh_from_db()
    assert attendee.mails_sent == attendee.mails_requested  # nothing left for the sweep


def test_the_sweep_finds_emails_that_were_never_sent(event):
    stale = AttendeeFactory(event=event, mails_sent=0, updated_at=timezone.now() - timedelta(minutes=5))
    AttendeeFactory(event=event, mails_sent=0)  # just asked for: the queue has it
    AttendeeFactory(event=event, updated_at=timezone.now() - timedelta(minutes=5))  # already sent

    assert services.due_mail_ids() == [stale.pk]
