import re

import pytest
from django.core import mail

from events.models import Attendee, Event
from outbox import sender
from outbox.models import OutboxMessage
from tests.events.factories import AttendeeFactory

URL = "/c/peru/events/rally/"


def form_data(**overrides):
    data = {"name": "Ana Torres", "email": "ana@example.org", "website": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def sign_up(client, event, django_capture_on_commit_callbacks):
    def _sign_up(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, form_data(**overrides), REMOTE_ADDR="203.0.113.9")
        sender.drain()  # what the outbox's sender does (one test is one transaction: no commit)
        return response

    return _sign_up


@pytest.fixture
def click(client, django_capture_on_commit_callbacks):
    """Open the confirmation link of a "Confirm your place" email, as its recipient would."""

    def _click(message=None):
        message = message or [m for m in mail.outbox if m.subject.startswith("Confirm your place")][-1]
        path = re.search(r"https?://[^/\s]+(/my-place/confirm/\S+)", message.body).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(path)

    return _click


def test_it_records_a_sign_up_and_emails_a_link_before_giving_a_place(sign_up, event, settings):
    response = sign_up(consent_contact="on")

    assert response.status_code == 303
    assert response["Location"] == "/c/peru/events/rally/check-your-email/"
    attendee = Attendee.objects.get()
    assert attendee.status == Attendee.Status.PENDING
    assert attendee.reserved_until is not None  # a place is kept meanwhile
    assert attendee.email_normalized == "ana@example.org"
    assert attendee.confirmed_at is None
    assert attendee.consent_contact is True
    assert "Solidarity with Peru may contact me" in attendee.consent_text
    assert len(attendee.ip_hash) == 64 and "203.0.113.9" not in attendee.ip_hash
    [message] = mail.outbox
    assert message.subject == "Confirm your place: Emergency rally for Peru"
    assert f"{settings.SITE_URL}/my-place/confirm/" in message.body
    assert "the organisers' attendee list shows you as: Ana Torres" in message.body
    assert "Solidarity with Peru may contact you by email" in message.body
    assert "meet.example.org" not in message.body  # the join link only once there is a place
    assert not message.attachments


def test_it_gives_the_place_and_its_details_when_the_link_is_opened(sign_up, click, event, settings):
    sign_up()

    response = click()

    assert response.status_code == 303
    assert response["Location"].startswith("/my-place/")
    attendee = Attendee.objects.get()
    assert attendee.status == Attendee.Status.CONFIRMED and attendee.confirmed_at is not None
    message = mail.outbox[-1]
    assert message.to == ["ana@example.org"]
    assert "You have a place: Emergency rally for Peru" == message.subject
    assert "https://meet.example.org/rally-secret-room" in message.body
    assert f"{settings.SITE_URL}/my-place/" in message.body
    assert "https://calendar.google.com/calendar/render?" in message.body
    [part] = message.attachments
    assert (part.get_filename(), part.get_content_type()) == ("invite.ics", "text/calendar")
    assert OutboxMessage.objects.filter(kind="events.attendee").get().status == "sent"


def test_opening_the_link_twice_changes_nothing(sign_up, click):
    sign_up()
    click()
    first = mail.outbox[0]

    assert click(first).status_code == 303
    assert Attendee.objects.get().status == Attendee.Status.CONFIRMED
    assert len(mail.outbox) == 2


def test_it_defaults_to_no_consent(sign_up):
    sign_up()

    attendee = Attendee.objects.get()
    assert attendee.consent_contact is False
    assert attendee.consent_text == ""


def test_it_stores_one_sign_up_per_canonical_email_and_caps_the_emails(sign_up, event):
    for email in ["ana@example.org", "  ANA@Example.org ", "ana@example.org", "ana@example.org"]:
        assert sign_up(email=email).status_code == 303

    assert Attendee.objects.count() == 1
    assert len(mail.outbox) == 3


def test_it_answers_a_repeat_sign_up_exactly_like_a_new_one(sign_up, click):
    first = sign_up()
    second = sign_up(name="Someone else")

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    # The latest form's details are the ones its link confirms; the earlier link stops working.
    assert click(mail.outbox[0]).status_code == 410
    click(mail.outbox[1])
    attendee = Attendee.objects.get()
    assert (attendee.status, attendee.name) == (Attendee.Status.CONFIRMED, "Someone else")


def test_it_puts_people_on_the_waitlist_when_full(sign_up, click, event):
    event.capacity = 1
    event.save()
    sign_up(email="first@example.org")
    click()

    response = sign_up(email="second@example.org")
    click()

    assert response.status_code == 303
    second = Attendee.objects.get(email_normalized="second@example.org")
    assert second.status == Attendee.Status.WAITLISTED
    assert second.confirmed_at is None
    waitlist_mail = mail.outbox[-1]
    assert "waitlist" in waitlist_mail.subject
    assert "meet.example.org" not in waitlist_mail.body
    assert not waitlist_mail.attachments


def test_it_refuses_clearly_when_full_without_a_waitlist(sign_up, event):
    event.capacity = 1
    event.waitlist = False
    event.save()
    sign_up(email="first@example.org")

    response = sign_up(email="second@example.org")

    assert response.status_code == 409
    assert "This event is full" in response.content.decode()
    assert Attendee.objects.count() == 1


def test_it_refuses_a_repeat_sign_up_on_a_full_event_with_the_same_page(sign_up, click, event):
    event.capacity = 1
    event.waitlist = False
    event.save()
    sign_up(email="first@example.org")
    click()
    outsider = sign_up(email="second@example.org")

    repeat = sign_up(email="first@example.org")

    assert repeat.status_code == outsider.status_code == 409
    assert Attendee.objects.get().mails_requested == 2  # their details were sent again


def test_it_asks_only_the_questions_the_event_asks(client, event):
    html = client.get(URL).content.decode()
    assert 'name="organisation"' not in html
    assert 'name="accessibility_needs"' not in html

    event.ask_organisation = True
    event.ask_accessibility = True
    event.save()
    html = client.get(URL).content.decode()
    assert 'name="organisation"' in html
    assert 'name="accessibility_needs"' in html


def test_it_stores_the_answers_to_the_optional_questions(sign_up, event):
    event.ask_organisation = True
    event.ask_accessibility = True
    event.save()

    sign_up(organisation="  Unite \n the Union ", accessibility_needs="Step-free access")

    attendee = Attendee.objects.get()
    assert attendee.organisation == "Unite the Union"
    assert attendee.accessibility_needs == "Step-free access"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_it_rejects_invalid_input_next_to_the_field_and_stores_nothing(
    client, event, overrides, field, message
):
    response = client.post(URL, form_data(**overrides))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Attendee.objects.count() == 0
    assert mail.outbox == []


def test_it_limits_the_optional_answers(client, event):
    event.ask_organisation = True
    event.ask_accessibility = True
    event.save()

    response = client.post(URL, form_data(organisation="o" * 201, accessibility_needs="a" * 1001))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"organisation", "accessibility_needs"}


def test_it_pretends_to_accept_honeypot_submissions_but_stores_nothing(sign_up):
    response = sign_up(website="http://spam.example")

    assert response.status_code == 303
    assert Attendee.objects.count() == 0
    assert mail.outbox == []


def test_it_requires_csrf(event):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data())

    assert response.status_code == 403


def test_it_takes_no_sign_ups_for_a_cancelled_event(client, event):
    event.status = Event.Status.CANCELLED
    event.save()

    response = client.post(URL, form_data())

    assert response.status_code == 400
    assert "This event has been cancelled." in response.content.decode()
    assert Attendee.objects.count() == 0


def test_it_takes_no_sign_ups_after_the_deadline(client, event):
    from django.utils import timezone

    event.signups_close_at = timezone.now() - timezone.timedelta(minutes=1)
    event.save()

    response = client.post(URL, form_data())

    assert response.status_code == 400
    assert "deadline" in response.content.decode()
    assert Attendee.objects.count() == 0


def test_it_gives_someone_who_cancelled_a_new_place_once_they_confirm(sign_up, click, event):
    AttendeeFactory(event=event, email="ana@example.org", status=Attendee.Status.CANCELLED)

    sign_up()
    assert Attendee.objects.get().status == Attendee.Status.PENDING
    click()

    attendee = Attendee.objects.get()
    assert attendee.status == Attendee.Status.CONFIRMED
    assert attendee.cancelled_at is None
    assert len(mail.outbox) == 2


def test_it_escapes_html_in_names_on_emails(sign_up):
    sign_up(name="<script>alert(1)</script>")

    html = mail.outbox[0].alternatives[0].content
    assert "<script>" not in html
    assert re.search(r"&lt;script&gt;", html)


def test_it_rejects_disposable_email_addresses_next_to_the_field(client, event):
    response = client.post(URL, form_data(email="someone@mailinator.com"))

    assert response.status_code == 400
    assert "email address that lasts" in str(response.context["form"].errors["email"])
    assert Attendee.objects.count() == 0


def test_it_keeps_no_place_for_a_blocked_address_but_mails_its_owner(sign_up, event):
    from safety.abuse import forget_block_rules
    from safety.models import BlockRule

    BlockRule.objects.create(kind=BlockRule.Kind.DOMAIN, value="spam.example")
    forget_block_rules()

    try:
        response = sign_up(email="bot@spam.example")
    finally:
        BlockRule.objects.all().delete()
        forget_block_rules()

    assert response.status_code == 303
    attendee = Attendee.objects.get()
    assert (attendee.status, attendee.reserved_until) == (Attendee.Status.PENDING, None)
    assert attendee.hold_reason == "blocked domain"
    # The page said an email was sent: it was, and it says no place is kept.
    assert "you take a place if one is free, or join the waitlist" in mail.outbox[0].body
