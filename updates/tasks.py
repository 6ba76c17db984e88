"""Celery tasks for updates: thin wrappers that take ids and call services."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from . import services
from .models import Update

log = logging.getLogger(__name__)


def _interval() -> float:
    # In-process mode has no countdown to wait on: batches follow one another at once.
    return 0.0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.UPDATES_BATCH_SECONDS


@shared_task
def send_update_batch(update_id: int) -> int:
    """Send one throttled batch, then queue the next one after UPDATES_BATCH_SECONDS.

    A chain that finds its slot taken (another chain is alive) ends; the sweep restarts a chain
    that stopped. Each recipient is sent at most once whatever runs concurrently (see send_one).
    If the mail server fails, the batch stops and the chain waits UPDATES_RETRY_SECONDS.
    """
    remaining = 0
    while services.claim_batch(update_id, _interval()):
        try:
            remaining = services.send_batch(update_id)
        except (smtplib.SMTPException, OSError):
            log.warning("update %s: mail server failed; retrying later", update_id, exc_info=True)
            services.postpone(update_id, settings.UPDATES_RETRY_SECONDS)
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                send_update_batch.apply_async((update_id,), countdown=settings.UPDATES_RETRY_SECONDS)
            return -1
        if not remaining:
            break
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            send_update_batch.apply_async((update_id,), countdown=_interval())
            break
    return remaining


@shared_task
def resume_stalled_updates() -> int:
    """Restart batch chains that stopped (a lost task, a killed worker)."""
    ids = services.stalled_updates()
    for update_id in ids:
        send_update_batch.delay(update_id)
    return len(ids)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=3,
)
def send_test_update(update_id: int, user_id: int, language: str = "") -> bool:
    update = Update.objects.select_related("statement__campaign").filter(pk=update_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if update is None or user is None or not user.email:
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        services.send_test(update, user.email)
    return True
