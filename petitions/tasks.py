"""Celery tasks: thin wrappers that take ids and call services. (Mail leaves through the outbox.)"""

from celery import shared_task

from . import services
from .models import Statement


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
