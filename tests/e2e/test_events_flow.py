"""End to end on the real stack: sign up over HTTP (gunicorn), get the place, the calendar file and the
join link over SMTP from the Celery worker, cancel, see the waitlist promoted, get a reminder once.
"""

import time
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from events.models import Attendee, Event
from events.tasks import queue_due_reminders
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

JOIN = "https://meet.example.org/solidaridad-secret-room"


@pytest.fixture
def rally():
    campaign = CampaignFactory(slug="peru-e2e", title="Solidarity with Peru")
    return EventFactory(
        campaign=campaign,
        slug="rally",
        title="Mitin por la democracia",
        capacity=1,
        time_zone="America/Lima",
        join_url=JOIN,
    )


def sign_up(browser, event, name, email):
    page = browser.get(event.get_absolute_url())
    assert page.status == 200
    assert JOIN not in page.body
    form = page.form("event-form")
    return browser.post(form.action, form.submission(name=name, email=email))


def test_sign_up_calendar_cancel_promotion_and_reminder(e2e, rally):
    ana, ben = e2e.browser(), e2e.browser()

    # Ana takes the only place, confirmed from her email; Ben goes on the waitlist.
    assert sign_up(ana, rally, "Ana", "ana@example.org").status == 303
    [link_mail] = e2e.mailbox.wait_for(1, to="ana@example.org")
    assert link_mail.subject == "Confirm your place: Mitin por la democracia"
    assert JOIN not in link_mail.text
    [link] = link_mail.links(f"{e2e.site_url}/my-place/confirm/")
    assert ana.get(link).status == 303
    confirmation = e2e.mailbox.wait_for(2, to="ana@example.org")[-1]
    assert sign_up(ben, rally, "Ben", "ben@example.org").status == 303
    [link_mail] = e2e.mailbox.wait_for(1, to="ben@example.org")
    [link] = link_mail.links(f"{e2e.site_url}/my-place/confirm/")
    assert ben.get(link).status == 303
    waitlisted = e2e.mailbox.wait_for(2, to="ben@example.org")[-1]

    assert confirmation.subject == "You have a place: Mitin por la democracia"
    assert JOIN in confirmation.text
    assert JOIN not in waitlisted.text
    [attachment] = [part for part in confirmation.message.iter_attachments()]
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [entry] = calendar.events
    assert entry.start == rally.local_starts_at
    assert entry["DTSTART"].params["TZID"] == "America/Lima"

    # Ana's own page shows the join link, and cancelling asks once before it cancels.
    [manage] = confirmation.links(f"{e2e.site_url}/my-place/")
    page = ana.get(manage)
    assert JOIN in page.body
    question = ana.get(f"{manage}cancel/")
    assert (
        ana.post(question.form("cancel-form").action, question.form("cancel-form").submission()).status == 303
    )

    # Ben gets the place, and one email saying so.
    promoted = e2e.mailbox.wait_for(3, to="ben@example.org")[-1]
    assert promoted.subject == "A place has opened up for you: Mitin por la democracia"
    assert JOIN in promoted.text
    assert Attendee.objects.get(email_normalized="ben@example.org").status == Attendee.Status.CONFIRMED

    # An hour before the start (moved here, and Ben's place dated back a day, rather than waiting),
    # the worker sends Ben one reminder, however often the task runs.
    Attendee.objects.filter(email_normalized="ben@example.org").update(
        confirmed_at=timezone.now() - timedelta(days=1)
    )
    soon = timezone.now() + timedelta(minutes=30)
    Event.objects.filter(pk=rally.pk).update(starts_at=soon, ends_at=soon + timedelta(hours=1))
    queue_due_reminders.delay()
    queue_due_reminders.delay()
    reminder = e2e.mailbox.wait_for(4, to="ben@example.org")[-1]
    assert reminder.subject == "In 1 hour: Mitin por la democracia"
    e2e.tally()  # every task queued before has run
    time.sleep(1)  # and the sender has polled several times since
    assert len([m for m in e2e.mailbox.mails if "ben@example.org" in m.recipients]) == 4
    assert not [
        m for m in e2e.mailbox.mails if "ana@example.org" in m.recipients and "In 1 hour" in m.subject
    ]
