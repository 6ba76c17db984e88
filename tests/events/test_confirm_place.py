"""Nobody takes a place, or goes on an organiser's list, in someone else's name (attacks over HTTP)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Attendee
from events.tokens import make_confirm_token, make_manage_token
from outbox import sender

pytestmark = pytest.mark.django_db

URL = "/c/peru/events/rally/"


@pytest.fixture
def full_of_fakes(client, event, django_capture_on_commit_callbacks):
    """One address sends 4 sign-ups with invented emails to a 3-place event in a moment."""
    event.capacity = 3
    event.save()
    for i in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {"name": f"Invented {i}", "email": f"invented{i}@example.org"})
        assert response.status_code == 303
    sender.drain()
    return event


def _post(client, capture, email, **extra):
    with capture(execute=True):
        response = client.post(URL, {"name": "Real Person", "email": email}, **extra)
    sender.drain()
    return response


def _click(client, capture, to):
    message = [m for m in mail.outbox if m.to == [to]][-1]
    path = re.search(r"https?://[^/\s]+(/my-place/confirm/\S+)", message.body).group(1)
    with capture(execute=True):
        return client.get(path)


def test_invented_addresses_get_no_place_and_no_place_email(full_of_fakes, as_alice):
    assert not Attendee.objects.filter(status=Attendee.Status.CONFIRMED).exists()
    # Each invented address got only a link to confirm, never "You have a place" with the join link.
    assert {m.subject for m in mail.outbox} == {"Confirm your place: Emergency rally for Peru"}
    assert not any("meet.example.org" in m.body for m in mail.outbox)
    export = as_alice.get("/dashboard/c/peru/events/rally/attendees.csv")
    body = b"".join(export.streaming_content).decode()
    assert "invented" not in body


def test_a_real_visitor_is_not_refused_and_gets_a_place_once_the_fakes_hold_runs_out(
    client, full_of_fakes, django_capture_on_commit_callbacks
):
    # While the fakes' places are kept, the real visitor is not refused: their link joins the waitlist.
    assert _post(client, django_capture_on_commit_callbacks, "real@example.org").status_code == 303
    _click(client, django_capture_on_commit_callbacks, "real@example.org")
    assert Attendee.objects.get(email="real@example.org").status == Attendee.Status.WAITLISTED

    # The kept places run out (nobody confirmed them) and beat gives them back.
    Attendee.objects.filter(reserved_until__isnull=False).update(
        reserved_until=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.release_expired_places()

    assert Attendee.objects.get(email="real@example.org").status == Attendee.Status.CONFIRMED


def test_a_sign_up_over_the_rate_limit_keeps_no_place(
    client, event, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_RATE_LIMITS_ENABLED = True
    settings.SIGNING_RATE_LIMITS_PER_IP = [(2, 60)]
    from safety import abuse

    abuse._redis_down_until = 0.0
    for i in range(3):
        _post(client, django_capture_on_commit_callbacks, f"p{i}@example.org", REMOTE_ADDR="198.51.100.250")

    kept = dict(Attendee.objects.values_list("email", "reserved_until"))
    assert kept["p2@example.org"] is None
    assert Attendee.objects.get(email="p2@example.org").hold_reason == abuse.HOLD_IP_RATE
    assert len(mail.outbox) == 3  # each owner still gets the link: nothing is said that is not true


def test_a_forged_link_confirms_nothing(client, event):
    response = client.get("/my-place/confirm/not-a-token/")

    assert response.status_code == 400


def test_an_attendees_own_page_link_does_not_confirm_a_place(
    client, event, django_capture_on_commit_callbacks
):
    _post(client, django_capture_on_commit_callbacks, "ana@example.org")
    attendee = Attendee.objects.get()

    response = client.get(f"/my-place/confirm/{make_manage_token(attendee)}/")

    assert response.status_code == 400
    assert Attendee.objects.get().status == Attendee.Status.PENDING


def test_a_link_from_before_someone_sent_the_form_again_confirms_nothing(
    client, event, django_capture_on_commit_callbacks
):
    _post(client, django_capture_on_commit_callbacks, "ana@example.org")
    earlier = make_confirm_token(Attendee.objects.get())
    _post(client, django_capture_on_commit_callbacks, "ana@example.org")

    response = client.get(f"/my-place/confirm/{earlier}/")

    assert response.status_code == 410
    assert Attendee.objects.get().status == Attendee.Status.PENDING
