"""Celery tasks: thin wrappers that take ids and call services."""

import smtplib

from celery import shared_task

from campaign.queue import enqueue_on_commit

from . import services
from .models import Event

SMTP_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**SMTP_RETRY)
def send_attendee_mail(attendee_id: int) -> bool:
    return services.send_attendee_mail(attendee_id)


@shared_task(**SMTP_RETRY)
def send_change_notices(change_id: int) -> int:
    return services.send_change_notices(change_id)


@shared_task
def send_due_reminders() -> int:
    """Every minute (beat): reminders that are due. Concurrent or repeated runs send nothing twice."""
    return services.send_due_reminders()


@shared_task
def sweep_unsent_mail() -> int:
    """Re-queue emails that were due but never sent (broker down, lost task, SMTP outage)."""
    ids = services.due_mail_ids()
    for attendee_id in ids:
        enqueue_on_commit(send_attendee_mail, attendee_id)
    changes = services.pending_change_ids()
    for change_id in changes:
        enqueue_on_commit(send_change_notices, change_id)
    return len(ids) + len(changes)


@shared_task
def release_expired_places() -> int:
    """Every 30 s (beat): places kept for sign-ups nobody confirmed go to the waitlist."""
    return services.release_expired_places()


@shared_task
def tally_event(event_id: int) -> bool:
    return services.tally(event_id)


@shared_task
def tally_all() -> int:
    return sum(services.tally(event_id) for event_id in services.events_to_tally())


@shared_task
def recount_all() -> int:
    return sum(services.tally(event_id) for event_id in Event.objects.values_list("pk", flat=True))
