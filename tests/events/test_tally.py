from datetime import timedelta

from django.utils import timezone

from events import services, tasks
from events.models import Attendee, Event
from events.tokens import make_confirm_token
from tests.events.factories import AttendeeFactory, EventFactory


def test_it_counts_places_waitlist_and_attendance(event):
    AttendeeFactory.create_batch(3, event=event)
    AttendeeFactory(event=event, attended_at=timezone.now())
    AttendeeFactory.create_batch(2, event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None)
    AttendeeFactory(event=event, status=Attendee.Status.CANCELLED)

    assert tasks.tally_all() == 1

    event.refresh_from_db()
    assert (event.places_taken, event.waitlist_count, event.attended_count) == (4, 2, 1)
    assert event.counted_at is not None


def test_it_recounts_only_events_that_changed(event):
    AttendeeFactory(event=event)
    quiet = EventFactory(campaign=event.campaign)
    AttendeeFactory(event=quiet)
    tasks.tally_all()
    Event.objects.update(counted_at=timezone.now())  # both counted, nothing changed since

    assert services.events_to_tally() == []

    services.cancel(Attendee.objects.get(event=event).pk)
    assert services.events_to_tally() == [event.pk]
    tasks.tally_all()
    event.refresh_from_db()
    assert event.places_taken == 0


def test_it_keeps_looking_at_an_event_for_a_while_after_a_change(event, settings):
    # A change committed while a tally was running may be invisible to it; the next run recounts.
    AttendeeFactory(event=event)
    services.tally(event.pk)

    assert services.events_to_tally() == [event.pk]
    Event.objects.update(counted_at=timezone.now() + timedelta(seconds=1))
    assert services.events_to_tally() == []


def test_sign_ups_update_the_totals_in_process_mode(client, event, mailed, settings):
    settings.TALLY_ON_CONFIRM = True
    mailed(client.post, event.get_absolute_url(), {"name": "Ana", "email": "ana@example.org"})
    mailed(services.confirm_place, make_confirm_token(Attendee.objects.get()))

    event.refresh_from_db()
    assert event.places_taken == 1


def test_check_in_counts_as_attended(event, mailed, settings):
    settings.TALLY_ON_CONFIRM = True
    attendee = AttendeeFactory(event=event)

    assert mailed(services.mark_attended, attendee.pk) is True
    assert mailed(services.mark_attended, attendee.pk) is False

    event.refresh_from_db()
    assert event.attended_count == 1


def test_campaign_totals_add_up_the_events(event):
    other = EventFactory(campaign=event.campaign)
    Event.objects.filter(pk=event.pk).update(places_taken=10, waitlist_count=2, attended_count=7)
    Event.objects.filter(pk=other.pk).update(places_taken=5, waitlist_count=0, attended_count=1)

    totals = services.campaign_totals(event.campaign)

    assert totals == {"events": 2, "places_taken": 15, "waitlist": 2, "attended": 8}
