"""Celery tasks for signers' data rights: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task
def anonymise_closed_statements() -> int:
    return services.anonymise_due()
