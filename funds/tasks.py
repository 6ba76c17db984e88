"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from . import services


@shared_task
def tally_fund(fund_id: int) -> bool:
    return services.tally(fund_id)


@shared_task
def tally_all() -> int:
    return sum(services.tally(fund_id) for fund_id in services.funds_to_tally())
