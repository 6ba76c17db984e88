"""Capacity and waitlist promotion under real concurrency: threads against PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Attendee
from events.tokens import make_confirm_token
from outbox import sender
from outbox.models import OutboxMessage
from tests.events.factories import AttendeeFactory, EventFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_at_once(count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _confirm(attendee):
    """What the person does with the link in their email."""
    return Client().get(reverse("events:confirm", args=[make_confirm_token(attendee)])).status_code


def test_capacity_holds_under_parallel_sign_up_requests():
    # Given an event with 5 places and a waitlist
    event = EventFactory(capacity=5, waitlist=True)
    url = event.get_absolute_url()

    # When 20 people post the form at the same moment
    statuses = run_at_once(
        20, lambda i: Client().post(url, {"name": f"Person {i}", "email": f"p{i}@example.org"}).status_code
    )

    # Then all are answered alike and 5 places are kept for the first 5 while their emails are pending
    assert statuses == [303] * 20
    kept = Attendee.objects.filter(status=Attendee.Status.PENDING, reserved_until__isnull=False)
    assert kept.count() == 5
    # When all 20 open their links at the same moment
    people = list(Attendee.objects.all())
    assert run_at_once(20, lambda i: _confirm(people[i])) == [303] * 20
    # Then 5 have a place and 15 wait
    assert Attendee.objects.filter(status=Attendee.Status.CONFIRMED).count() == 5
    assert Attendee.objects.filter(status=Attendee.Status.WAITLISTED).count() == 15


def test_fakes_racing_real_sign_ups_never_keep_real_people_out():
    # Given a 3-place event with a waitlist
    event = EventFactory(capacity=3, waitlist=True)
    url = event.get_absolute_url()
    emails = [f"invented{i}@example.org" for i in range(6)] + [f"real{i}@example.org" for i in range(3)]

    # When 6 sign-ups with invented addresses and 3 real people post the form at the same moment
    statuses = run_at_once(
        9, lambda i: Client().post(url, {"name": f"Person {i}", "email": emails[i]}).status_code
    )

    # Then nobody has a place without opening their email, and at most 3 places are kept meanwhile
    assert statuses == [303] * 9
    assert not Attendee.objects.filter(status=Attendee.Status.CONFIRMED).exists()
    assert Attendee.objects.filter(reserved_until__isnull=False).count() == 3
    # When the real people open their links at once (the fakes never can)
    real = list(Attendee.objects.filter(email__startswith="real"))
    run_at_once(3, lambda i: _confirm(real[i]))
    # Then every real person has a place or a place on the waitlist, never more places than 3
    statuses = set(Attendee.objects.filter(email__startswith="real").values_list("status", flat=True))
    assert statuses <= {Attendee.Status.CONFIRMED, Attendee.Status.WAITLISTED}
    assert Attendee.objects.filter(status=Attendee.Status.CONFIRMED).count() <= 3
    # When the places kept for the fakes run out (beat releases them)
    Attendee.objects.filter(email__startswith="invented", reserved_until__isnull=False).update(
        reserved_until=timezone.now() - timedelta(seconds=1)
    )
    run_at_once(2, lambda i: services.release_expired_places())
    # Then the three real people have the three places, and no invented address is on any list
    confirmed = set(Attendee.objects.filter(status=Attendee.Status.CONFIRMED).values_list("email", flat=True))
    assert confirmed == {a.email for a in real}
    assert set(Attendee.objects.filter(email__startswith="invented").values_list("status", flat=True)) == {
        Attendee.Status.PENDING
    }


def test_capacity_holds_without_a_waitlist_and_the_rest_are_refused():
    event = EventFactory(capacity=3, waitlist=False)
    url = event.get_absolute_url()

    statuses = run_at_once(
        12, lambda i: Client().post(url, {"name": f"Person {i}", "email": f"p{i}@example.org"}).status_code
    )

    assert sorted(statuses) == [303] * 3 + [409] * 9
    assert Attendee.objects.count() == 3


def test_parallel_sign_ups_with_one_email_store_one_attendee():
    event = EventFactory(capacity=10)
    url = event.get_absolute_url()

    statuses = run_at_once(
        8,
        lambda i: Client().post(
            url, {"name": "Ana", "email": "ana@example.org" if i % 2 else " ANA@example.org"}
        ),
    )

    assert [r.status_code for r in statuses] == [303] * 8
    attendee = Attendee.objects.get()
    # capped: at most 3 confirmation emails a day to one address for one event
    assert OutboxMessage.objects.filter(kind="events.confirm_place", ref=str(attendee.pk)).count() == 3


def test_two_cancellations_racing_promote_two_different_people_once_each():
    # Given a full event (2 places) with three people waiting
    event = EventFactory(capacity=2)
    leaving = [AttendeeFactory(event=event) for _ in range(2)]
    now = timezone.now()
    waiting = [
        AttendeeFactory(
            event=event,
            status=Attendee.Status.WAITLISTED,
            confirmed_at=None,
            created_at=now - timedelta(minutes=10 - i),
        )
        for i in range(3)
    ]

    # When both places are cancelled at the same moment (and each cancellation is sent twice)
    results = run_at_once(4, lambda i: services.cancel(leaving[i % 2].pk))

    # Then each cancellation counted once, and the first two on the waitlist have the places
    assert sorted(results) == [False, False, True, True]
    for attendee in waiting:
        attendee.refresh_from_db()
    assert [a.status for a in waiting] == ["confirmed", "confirmed", "waitlisted"]
    assert Attendee.objects.filter(event=event, status="confirmed").count() == 2
    # and each promoted person is owed exactly one email
    assert [a.mails_requested for a in waiting[:2]] == [2, 2]  # one waitlist email sent, one to send


def test_promotion_emails_go_out_once_when_several_senders_run_at_once(mailoutbox):
    event = EventFactory(capacity=1)
    leaving = AttendeeFactory(event=event)
    waiting = AttendeeFactory(event=event, status=Attendee.Status.WAITLISTED, confirmed_at=None)
    services.cancel(leaving.pk)

    run_at_once(6, lambda i: sender.drain())

    # One promotion to the person waiting (the one who left got the calendar cancellation).
    assert [m.to for m in mailoutbox].count([waiting.email]) == 1


def test_reminders_go_out_once_when_beat_runs_the_task_several_times_at_once(mailoutbox):
    # Given 30 attendees whose 1-hour reminder is due
    start = timezone.now() + timedelta(minutes=30)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    attendees = [AttendeeFactory(event=event) for _ in range(30)]

    # When four workers run the reminder task at the same moment, and then a sender
    # (several senders at once are tested with real SMTP in tests/chaos/test_three_senders.py)
    queued = run_at_once(4, lambda i: services.queue_due_reminders())
    sender.drain()

    # Then every attendee got exactly one reminder
    assert sum(queued) == 30
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.email for a in attendees)


KILLED_WORKER = """
import os, time
import django
django.setup()
from events import services
from outbox import services as outbox

def hang(*args, **kwargs):
    # The reminder is claimed and the attendee row locked: tell the test, then wait to be killed.
    open(os.environ["CLAIMED_MARKER"], "w").close()
    time.sleep(120)

outbox.enqueue = hang
services.queue_due_reminders()
"""


def test_a_worker_killed_while_queueing_leaves_the_reminder_to_the_next_run(tmp_path, mailoutbox):
    import os
    import signal
    import subprocess
    import sys
    import time

    from events.models import ReminderSent
    from tests.e2e.conftest import _database_url

    # Given a due reminder, and a worker process that claims it and is killed before sending
    start = timezone.now() + timedelta(minutes=30)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    attendee = AttendeeFactory(event=event)
    marker = tmp_path / "claimed"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "EMAIL_URL": "dummymail://",
        "CLAIMED_MARKER": str(marker),
    }
    worker = subprocess.Popen([sys.executable, "-c", KILLED_WORKER], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert worker.poll() is None, "the worker exited before claiming the reminder"
            assert time.monotonic() < deadline, "the worker never claimed the reminder"
            time.sleep(0.05)

        # While it holds the claim, beat running the task again queues nothing twice
        assert services.queue_due_reminders() == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)

    # When the task runs after the kill
    deadline = time.monotonic() + 10
    sent = 0
    while not sent and time.monotonic() < deadline:  # PostgreSQL notices the dead connection
        sent = services.queue_due_reminders()
        time.sleep(0.1)
    sender.drain()

    # Then the reminder went out exactly once, and is recorded once
    assert sent == 1
    assert services.queue_due_reminders() == 0
    assert [m.to for m in mailoutbox] == [[attendee.email]]
    assert ReminderSent.objects.filter(attendee=attendee, skipped=False).count() == 1
