"""Celery tasks: thin wrappers that take ids and call services. (Mail leaves through the outbox.)"""

from celery import shared_task

from . import services
from .models import Event


@shared_task
def queue_due_reminders() -> int:
    """Every minute (beat): reminders that are due. Concurrent or repeated runs queue nothing twice."""
    return services.queue_due_reminders()


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
