from events.models import ChangeNotice, EventChange, ReminderSent
from tests.events.factories import AttendeeFactory


def test_the_admin_lists_and_shows_events_and_sign_ups(admin_client, event):
    attendee = AttendeeFactory(event=event)
    change = EventChange.objects.create(
        event=event,
        cancelled=True,
        previous_starts_at=event.starts_at,
        previous_ends_at=event.ends_at,
        previous_time_zone=event.time_zone,
    )
    ReminderSent.objects.create(attendee=attendee, offset_minutes=60)
    ChangeNotice.objects.create(change=change, attendee=attendee)

    for url in [
        "/admin/events/event/",
        f"/admin/events/event/{event.pk}/change/",
        "/admin/events/attendee/",
        f"/admin/events/attendee/{attendee.pk}/change/",
        "/admin/events/eventchange/",
        "/admin/events/remindersent/",
        "/admin/events/changenotice/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_attendees_are_not_added_by_hand_in_the_admin(admin_client, event):
    assert admin_client.get("/admin/events/attendee/add/").status_code == 403
