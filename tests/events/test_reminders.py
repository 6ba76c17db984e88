from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Attendee, Event, ReminderSent
from outbox import sender
from outbox.models import OutboxMessage
from tests.events.factories import AttendeeFactory, EventFactory


def remind() -> int:
    """What beat runs every minute, then the outbox senders; returns how many reminders were queued."""
    queued = services.queue_due_reminders()
    sender.drain()
    return queued


@pytest.fixture
def soon(campaign):
    """An event starting in 50 minutes: its 24-hour and 1-hour reminders are both due."""
    start = timezone.now() + timedelta(minutes=50)
    return EventFactory(campaign=campaign, slug="soon", starts_at=start, ends_at=start + timedelta(hours=1))


def test_it_sends_the_latest_due_reminder_once_and_skips_the_earlier_one(soon):
    attendee = AttendeeFactory(event=soon)

    assert remind() == 1
    assert remind() == 0

    [message] = mail.outbox
    assert message.to == [attendee.email]
    assert message.subject == f"In 1 hour: {soon.title}"
    assert soon.join_url in message.body
    rows = {(r.offset_minutes, r.skipped) for r in ReminderSent.objects.all()}
    assert rows == {(60, False), (24 * 60, True)}


def test_it_sends_each_reminder_as_it_falls_due(campaign):
    start = timezone.now() + timedelta(hours=20)
    event = EventFactory(campaign=campaign, starts_at=start, ends_at=start + timedelta(hours=1))
    AttendeeFactory(event=event)

    assert remind() == 1
    assert mail.outbox[-1].subject == f"In 24 hours: {event.title}"

    # An hour before the start (moved here rather than waiting), the 1-hour one goes out too.
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(minutes=30), ends_at=timezone.now() + timedelta(hours=2)
    )
    assert remind() == 1
    assert remind() == 0
    assert [m.subject for m in mail.outbox] == [f"In 24 hours: {event.title}", f"In 1 hour: {event.title}"]


def test_it_sends_nothing_before_a_reminder_is_due(campaign):
    EventFactory(campaign=campaign)  # in three days
    AttendeeFactory(event=Event.objects.get())

    assert remind() == 0
    assert mail.outbox == []


def test_it_never_reminds_the_waitlist_or_people_who_cancelled(soon):
    AttendeeFactory(event=soon, status=Attendee.Status.WAITLISTED, confirmed_at=None)
    AttendeeFactory(event=soon, status=Attendee.Status.CANCELLED)

    assert remind() == 0
    assert mail.outbox == []


def test_it_never_reminds_about_a_cancelled_event(soon):
    AttendeeFactory(event=soon)
    soon.status = Event.Status.CANCELLED
    soon.save()

    assert remind() == 0


def test_it_never_reminds_once_the_event_has_started(soon):
    attendee = AttendeeFactory(event=soon)
    Event.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(seconds=1))

    assert remind() == 0
    assert services.queue_reminder(attendee.pk, 60) is False
    assert mail.outbox == []


def test_it_does_not_remind_someone_who_signed_up_after_the_reminder_was_due(soon):
    AttendeeFactory(event=soon, confirmed_at=timezone.now() - timedelta(minutes=1))

    assert remind() == 0


def test_it_uses_the_events_own_reminder_times(campaign):
    start = timezone.now() + timedelta(hours=47)
    event = EventFactory(
        campaign=campaign, starts_at=start, ends_at=start + timedelta(hours=1), reminder_offsets=[48 * 60]
    )
    AttendeeFactory(event=event)

    assert remind() == 1
    assert mail.outbox[0].subject == f"In 48 hours: {event.title}"


def test_a_crash_while_queueing_leaves_the_reminder_for_the_next_run(soon, monkeypatch):
    # Given a worker that dies after claiming the reminder but before its mail is in the outbox
    attendee = AttendeeFactory(event=soon)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("outbox.services.enqueue", die)
    with pytest.raises(SystemExit):
        services.queue_due_reminders()
    assert not ReminderSent.objects.exists()  # the claim rolled back with the transaction

    # When the task runs again on a healthy worker
    monkeypatch.undo()
    assert remind() == 1
    assert remind() == 0

    # Then the reminder went out exactly once
    assert [m.to for m in mail.outbox] == [[attendee.email]]


def test_a_mail_server_failure_leaves_the_reminder_to_the_outbox_retry(soon, monkeypatch):
    AttendeeFactory(event=soon)

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert remind() == 1
    monkeypatch.undo()
    assert remind() == 0  # queued once, whatever happens to the sending

    OutboxMessage.objects.update(due_at=timezone.now())  # the retry falls due
    sender.drain()
    assert len(mail.outbox) == 1


def test_the_reminder_does_not_carry_the_join_link_for_in_person_events(soon):
    soon.kind = Event.Kind.IN_PERSON
    soon.venue_name = "Union hall"
    soon.address = "1 Main Street"
    soon.save()
    AttendeeFactory(event=soon)

    remind()

    body = mail.outbox[0].body
    assert "1 Main Street" in body
    assert soon.join_url not in body
