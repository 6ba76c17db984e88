"""Celery tasks of the monitoring app."""

from celery import shared_task

from . import health


@shared_task(ignore_result=True)
def heartbeat():
    """Queued by beat every HEARTBEAT_SECONDS; its time in Redis tells /readyz beat and a worker run."""
    health.record_heartbeat()
