from datetime import timedelta

from django.core import mail

from events import services
from events.models import Attendee, ChangeNotice, Event, EventChange
from outbox import sender
from outbox.models import OutboxMessage
from tests.events.conftest import calendar_of
from tests.events.factories import AttendeeFactory


def edit(event, **changes):
    previous = Event.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    return services.save_event(event, previous)


def test_a_new_time_is_mailed_to_every_attendee_once(event, mailed):
    event.capacity = 1
    event.save()
    confirmed = AttendeeFactory(event=event)
    waiting = AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None)
    AttendeeFactory(event=event, status=Attendee.Status.CANCELLED)

    change = mailed(
        edit,
        event,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )

    assert change.time_changed and not change.place_changed
    assert sorted(m.to[0] for m in mail.outbox) == sorted([confirmed.email, waiting.email])
    assert all(m.subject == f"Changed: {event.title}" for m in mail.outbox)
    assert ChangeNotice.objects.count() == 2
    # Running the senders again sends nothing more.
    sender.drain()
    assert len(mail.outbox) == 2


def test_the_change_email_shows_the_new_and_old_time_and_updates_the_calendar(event, mailed):
    AttendeeFactory(event=event)
    old_sequence = event.sequence

    mailed(
        edit,
        event,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )

    [message] = mail.outbox
    assert "New time:" in message.body and "It was:" in message.body
    entry = calendar_of(message)[1].events[0]
    assert entry["sequence"] == old_sequence + 1
    assert entry.start == event.starts_at


def test_the_join_link_of_a_changed_place_goes_only_to_people_with_a_place(event, mailed):
    event.capacity = 1
    event.save()
    AttendeeFactory(event=event, email="has-place@example.org")
    AttendeeFactory(
        event=event, email="waiting@example.org", status=Attendee.Status.WAITLISTED, confirmed_at=None
    )

    mailed(edit, event, join_url="https://meet.example.org/new-room")

    by_email = {m.to[0]: m for m in mail.outbox}
    assert "https://meet.example.org/new-room" in by_email["has-place@example.org"].body
    assert "https://meet.example.org/new-room" not in by_email["waiting@example.org"].body


def test_editing_only_the_title_tells_nobody(event, mailed):
    AttendeeFactory(event=event)

    assert mailed(edit, event, title="A better title") is None

    assert mail.outbox == []
    assert not EventChange.objects.exists()


def test_cancelling_tells_everyone_once(event, mailed):
    event.capacity = 1
    event.save()
    AttendeeFactory(event=event)
    AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None)

    change = mailed(services.cancel_event, event)
    again = mailed(services.cancel_event, event)

    assert change.cancelled and again is None
    assert len(mail.outbox) == 2
    assert all(m.subject == f"Cancelled: {event.title}" for m in mail.outbox)
    event.refresh_from_db()
    assert event.is_cancelled
    [with_place] = [m for m in mail.outbox if m.attachments]  # the one with a place: the calendar update
    part, calendar = calendar_of(with_place)
    assert (calendar["method"], part.get_param("method")) == ("CANCEL", "CANCEL")
    assert calendar.events[0]["status"] == "CANCELLED"


def test_a_crash_while_recording_the_change_leaves_nobody_told_of_a_change_that_did_not_happen(
    event, monkeypatch, mailed
):
    AttendeeFactory(event=event)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "enqueue_many", die)
    try:
        mailed(edit, event, venue_name="Somewhere else", kind=Event.Kind.BOTH)
    except SystemExit:
        pass

    assert not ChangeNotice.objects.exists()
    assert not EventChange.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []
