from datetime import timedelta

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


def admin_form(event, **overrides):
    from django.utils import timezone

    local = timezone.localtime  # the admin shows datetimes in the site's zone (UTC)
    data = {
        "campaign": event.campaign.pk,
        "title": event.title,
        "slug": event.slug,
        "status": event.status,
        "description": event.description,
        "starts_at_0": local(event.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": local(event.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": local(event.ends_at).strftime("%Y-%m-%d"),
        "ends_at_1": local(event.ends_at).strftime("%H:%M:%S"),
        "time_zone": event.time_zone,
        "reminder_offsets": "[1440, 60]",
        "kind": event.kind,
        "join_url": event.join_url,
        "capacity": "",
        "waitlist": "on",
        # The translations inline, empty.
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_time_changed_in_the_admin_is_mailed_to_attendees(admin_client, event, mailed):
    from django.core import mail

    AttendeeFactory(event=event)

    later = event.starts_at + timedelta(hours=1)  # still before the end
    moved = admin_form(event, starts_at_0=f"{later:%Y-%m-%d}", starts_at_1=f"{later:%H:%M:%S}")

    response = mailed(admin_client.post, f"/admin/events/event/{event.pk}/change/", moved)

    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == [f"Changed: {event.title}"]


def test_cancelling_in_the_admin_tells_attendees(admin_client, event, mailed):
    from django.core import mail

    AttendeeFactory(event=event)

    mailed(
        admin_client.post, f"/admin/events/event/{event.pk}/change/", admin_form(event, status="cancelled")
    )

    event.refresh_from_db()
    assert event.is_cancelled
    assert [m.subject for m in mail.outbox] == [f"Cancelled: {event.title}"]
