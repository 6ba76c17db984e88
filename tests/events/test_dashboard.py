import csv
import io
from datetime import UTC, datetime

import pytest
from django.core import mail

from events.models import Attendee, Event
from organisers.models import ExportLog
from tests.events.factories import AttendeeFactory

BASE = "/dashboard/c/peru/events/"


def views(event, attendee):
    """Every organiser view: (method, url)."""
    detail = f"{BASE}{event.slug}/"
    return [
        ("get", BASE),
        ("get", BASE + "new/"),
        ("post", BASE + "new/"),
        ("get", detail),
        ("get", detail + "edit/"),
        ("post", detail + "edit/"),
        ("post", detail + "cancel/"),
        ("get", detail + "attendees.csv"),
        ("get", detail + "check-in/"),
        ("post", detail + f"check-in/{attendee.uuid}/"),
    ]


@pytest.fixture
def attendee(event):
    return AttendeeFactory(event=event, name="Rosa Luxemburg", email="rosa@example.org")


def test_anonymous_visitors_are_sent_to_log_in(client, event, attendee):
    for method, url in views(event, attendee):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_members_of_other_campaigns_get_404_and_change_nothing(as_charlie, event, attendee):
    for method, url in views(event, attendee):
        assert getattr(as_charlie, method)(url, {"confirm": "1"}).status_code == 404, url
    event.refresh_from_db()
    attendee.refresh_from_db()
    assert not event.is_cancelled
    assert attendee.attended_at is None
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("who", ["as_alice", "as_bob"])
def test_owners_and_organisers_can_open_every_page(request, who, event, attendee):
    client = request.getfixturevalue(who)
    for method, url in views(event, attendee):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_it_lists_sign_ups_and_the_waitlist_in_order(as_bob, event):
    AttendeeFactory(event=event, name="Has Place")
    AttendeeFactory(
        event=event,
        name="Second Waiting",
        status=Attendee.Status.WAITLISTED,
        confirmed_at=None,
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    AttendeeFactory(
        event=event,
        name="First Waiting",
        status=Attendee.Status.WAITLISTED,
        confirmed_at=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )

    html = as_bob.get(f"{BASE}rally/").content.decode()

    assert "Has Place" in html
    assert html.index("First Waiting") < html.index("Second Waiting")


def form_data(**overrides):
    data = {
        "title": "Public meeting",
        "slug": "",
        "description": "Come along.",
        "time_zone": "Europe/London",
        "start_date": "2099-05-01",
        "start_time": "19:00",
        "end_time": "21:00",
        "end_date": "",
        "kind": "in_person",
        "venue_name": "Conway Hall",
        "address": "25 Red Lion Square, London",
        "join_url": "",
        "capacity": "80",
        "waitlist": "on",
        "reminders": "24h, 1h",
    }
    data.update(overrides)
    return data


def test_it_creates_an_event_in_its_own_time_zone(as_bob, campaign):
    response = as_bob.post(BASE + "new/", form_data(time_zone="America/Lima"))

    assert response.status_code == 303
    event = Event.objects.get()
    assert response["Location"] == f"{BASE}public-meeting/"
    assert event.campaign == campaign
    assert event.slug == "public-meeting"
    assert event.starts_at == datetime(2099, 5, 2, 0, 0, tzinfo=UTC)  # 19:00 in Lima
    assert event.ends_at == datetime(2099, 5, 2, 2, 0, tzinfo=UTC)
    assert event.time_zone == "America/Lima"
    assert event.reminder_offsets == [1440, 60]
    assert event.capacity == 80


def test_it_refuses_a_start_time_that_does_not_exist_when_the_clocks_go_forward(as_bob):
    response = as_bob.post(
        BASE + "new/", form_data(start_date="2099-03-29", start_time="01:30", end_time="03:00")
    )

    assert response.status_code == 400
    assert "does not exist" in str(response.context["form"].errors["start_time"])
    assert not Event.objects.exists()


def test_it_takes_the_first_of_a_time_that_happens_twice_when_the_clocks_go_back(as_bob):
    response = as_bob.post(
        BASE + "new/", form_data(start_date="2099-10-25", start_time="01:30", end_time="03:00")
    )

    assert response.status_code == 303
    event = Event.objects.get()
    assert event.starts_at == datetime(2099, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert event.ends_at == datetime(2099, 10, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "required"),
        ({"start_date": "31/02/2099"}, "start_date", "valid date"),
        ({"start_time": "25:00"}, "start_time", "valid time"),
        ({"end_time": "18:00"}, "end_time", "end after it starts"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "valid choice"),
        ({"kind": "in_person", "venue_name": "", "address": ""}, "address", "where the event is"),
        ({"join_url": "javascript:alert(1)", "kind": "online"}, "join_url", "valid URL"),
        ({"capacity": "-1"}, "capacity", "greater than or equal to 0"),
        ({"reminders": "soon"}, "reminders", "like"),
        ({"reminders": "40d"}, "reminders", "30 days"),
        ({"deadline_date": "2099-04-30"}, "deadline_time", "time as well"),
    ],
)
def test_it_rejects_bad_input_with_messages_next_to_the_fields(as_bob, overrides, field, message):
    response = as_bob.post(BASE + "new/", form_data(**overrides))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Event.objects.exists()


def test_it_refuses_an_address_another_event_has(as_bob, event):
    response = as_bob.post(BASE + "new/", form_data(slug="rally"))

    assert response.status_code == 400
    assert "Another event" in str(response.context["form"].errors["slug"])


def test_editing_the_time_emails_attendees_once(
    as_bob, event, attendee, django_capture_on_commit_callbacks, settings
):
    settings.ORGANISER_CONTENT_NEEDS_APPROVAL = False  # with review, once approved: tests/moderation
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(
            f"{BASE}rally/edit/",
            form_data(
                title=event.title,
                slug="rally",
                kind="online",
                venue_name="",
                address="",
                join_url=event.join_url,
            ),
        )

    assert response.status_code == 303
    assert [m.subject for m in mail.outbox] == [f"Changed: {event.title}"]
    event.refresh_from_db()
    assert event.starts_at == datetime(2099, 5, 1, 18, 0, tzinfo=UTC)


def test_the_edit_form_shows_the_events_local_time(as_bob, campaign):
    as_bob.post(BASE + "new/", form_data(time_zone="America/Lima"))

    html = as_bob.get(f"{BASE}public-meeting/edit/").content.decode()

    assert 'value="19:00"' in html
    assert 'value="2099-05-01"' in html


def test_cancelling_needs_the_confirmation_box(as_bob, event):
    response = as_bob.post(f"{BASE}rally/cancel/")

    assert response.status_code == 400
    event.refresh_from_db()
    assert not event.is_cancelled


def test_cancelling_tells_attendees(as_bob, event, attendee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(f"{BASE}rally/cancel/", {"confirm": "1"})

    assert response.status_code == 303
    event.refresh_from_db()
    assert event.is_cancelled
    assert [m.to for m in mail.outbox] == [[attendee.email]]


def read_csv(response):
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_export_is_a_safe_streamed_csv_and_is_logged(as_bob, bob, event):
    event.ask_accessibility = True
    event.save()
    AttendeeFactory(event=event, name='=HYPERLINK("http://evil")', accessibility_needs="+1 wheelchair")
    AttendeeFactory(event=event, name="Waiting", status=Attendee.Status.WAITLISTED, confirmed_at=None)

    response = as_bob.get(f"{BASE}rally/attendees.csv")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["name", "email", "status"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][4] == "'+1 wheelchair"
    assert [row[2] for row in rows[1:]] == ["confirmed", "waitlisted"]
    log = ExportLog.objects.get()
    assert (log.user, log.rows, log.kind) == (bob, 2, "attendees")
    assert log.finished_at is not None
    assert event.title in log.statement_title


def test_check_in_marks_someone_as_here_with_one_post(as_bob, event, attendee):
    response = as_bob.post(f"{BASE}rally/check-in/{attendee.uuid}/", {"q": "rosa"})

    assert response.status_code == 303
    assert response["Location"] == f"{BASE}rally/check-in/?q=rosa#a-{attendee.uuid}"
    attendee.refresh_from_db()
    assert attendee.attended_at is not None
    html = as_bob.get(f"{BASE}rally/check-in/?q=rosa").content.decode()
    assert "Here" in html and "Undo" in html


def test_check_in_can_be_undone(as_bob, event, attendee):
    as_bob.post(f"{BASE}rally/check-in/{attendee.uuid}/")
    as_bob.post(f"{BASE}rally/check-in/{attendee.uuid}/", {"undo": "1"})

    attendee.refresh_from_db()
    assert attendee.attended_at is None


def test_check_in_searches_by_name(as_bob, event, attendee):
    AttendeeFactory(event=event, name="Antonio Gramsci")

    html = as_bob.get(f"{BASE}rally/check-in/?q=ROSA").content.decode()

    assert "Rosa Luxemburg" in html
    assert "Gramsci" not in html


def test_check_in_lists_only_people_with_a_place(as_bob, event):
    AttendeeFactory(event=event, name="Waiting Person", status=Attendee.Status.WAITLISTED, confirmed_at=None)
    waiting = Attendee.objects.get()

    assert "Waiting Person" not in as_bob.get(f"{BASE}rally/check-in/").content.decode()
    assert as_bob.post(f"{BASE}rally/check-in/{waiting.uuid}/").status_code == 404


def test_check_in_works_only_for_this_events_attendees(as_bob, event, campaign):
    from tests.events.factories import EventFactory

    other = AttendeeFactory(event=EventFactory(campaign=campaign))

    assert as_bob.post(f"{BASE}rally/check-in/{other.uuid}/").status_code == 404


@pytest.mark.parametrize("slug", ["new", "check-in", "edit", "es"])
def test_it_refuses_an_address_the_site_uses_next_to_the_field(as_bob, slug):
    response = as_bob.post(BASE + "new/", form_data(slug=slug))

    assert response.status_code == 400
    assert "is the address of one of the site&#x27;s own pages" in response.content.decode()
    assert not Event.objects.exists()


def test_it_makes_an_address_of_its_own_from_a_title_the_site_uses(as_bob):
    response = as_bob.post(BASE + "new/", form_data(title="New"))

    assert response.status_code == 303
    assert Event.objects.get().slug == "new-event"
    assert as_bob.get(f"{BASE}new-event/").status_code == 200
