"""Celery tasks: thin wrappers that take ids and call services."""

import smtplib

from celery import shared_task
from django.conf import settings

from campaign.queue import enqueue_on_commit

from . import services
from .models import Statement


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_signature_mail(signature_id: int) -> bool:
    return services.send_signature_mail(signature_id)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_signature_mails(signature_ids: list[int]) -> int:
    return services.send_signature_mails(signature_ids)


@shared_task
def sweep_unsent_mail() -> int:
    """Re-queue mails that were due but never sent (broker down at signing time, lost task).

    They go out in batches, each over one SMTP connection, split so that every worker process
    gets a share.
    """
    ids = services.due_mail_ids(older_than_seconds=settings.SWEEP_MAIL_AFTER_SECONDS)
    size = settings.MAIL_BATCH_SIZE
    for start in range(0, len(ids), size):
        enqueue_on_commit(send_signature_mails, ids[start : start + size])
    return len(ids)


@shared_task
def tally_statement(statement_id: int) -> int:
    return services.tally(statement_id)


@shared_task
def tally_all() -> int:
    return sum(services.tally(statement_id) for statement_id in services.statements_to_tally())


@shared_task
def recount_all() -> int:
    ids = Statement.objects.public().values_list("pk", flat=True)
    return sum(abs(services.recount(statement_id)) for statement_id in ids)
