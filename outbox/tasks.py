"""Celery tasks of the outbox: beat starts the senders; each sends for a while, then makes way."""

from celery import shared_task
from django.conf import settings

from . import sender, services


@shared_task(ignore_result=True)
def send_outbox(seconds: float | None = None, channel: str = "email") -> int:
    return sender.run(seconds or settings.OUTBOX_SENDER_SECONDS, channel=channel)


@shared_task(ignore_result=True)
def start_senders() -> int:
    """Queue OUTBOX_SENDERS senders; each lives one beat interval, so a stopped one is replaced."""
    for _ in range(settings.OUTBOX_SENDERS):
        send_outbox.apply_async(expires=settings.OUTBOX_SENDER_SECONDS)
    return settings.OUTBOX_SENDERS


@shared_task(ignore_result=True)
def purge_finished() -> int:
    """Delete finished messages older than OUTBOX_RETENTION_DAYS (outbox.services.purge_finished)."""
    return services.purge_finished()
