"""Finished outbox rows are purged after OUTBOX_RETENTION_DAYS, with their counts kept; a signer who
withdraws or is anonymised leaves the outbox without their address."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from monitoring.metrics import PlatformCollector
from outbox import services
from outbox.models import OutboxMessage, PurgedCount
from outbox.suppression import SUPPRESSED
from petitions.models import Signature
from petitions.tokens import make_withdraw_token
from privacy.services import anonymise_statement
from tests.factories import StatementFactory

pytestmark = pytest.mark.services

OLD = timezone.now() - timedelta(days=40)


def row(status="sent", *, age=OLD, statement_id=None, kind="tests.note", ref="1", **fields):
    message = OutboxMessage.objects.create(
        kind=kind, to=fields.pop("to", "someone@example.org"), ref=ref, status=status,
        statement_id=statement_id, **fields,
    )  # fmt: skip
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=age)
    return message


def metrics() -> dict:
    return {
        family.name: family.samples[0].value
        for family in PlatformCollector().collect()
        if family.name in ("campaign_mail_sent", "campaign_mail_failed")
    }


@pytest.mark.django_db
def test_it_purges_finished_rows_past_retention_and_the_counts_stay(statement):
    pk = statement.pk
    for status in ("sent", "sent", "failed", "dropped"):
        row(status, statement_id=pk)
    row("dropped", statement_id=pk, last_error=SUPPRESSED + "bounce")
    waiting = row("pending", statement_id=pk)  # old but never sent: kept
    recent = row("sent", statement_id=pk, age=timezone.now() - timedelta(days=3))
    before = services.statement_mail_stats([pk])[pk]
    metrics_before = metrics()

    assert services.purge_finished(batch_size=2) == 5

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert services.statement_mail_stats([pk])[pk] == before
    assert before["sent"] == 3 and before["failed"] == 1 and before["suppressed"] == 1
    assert metrics() == metrics_before
    assert services.purge_finished() == 0  # nothing twice


@pytest.mark.django_db
def test_the_retention_is_a_setting_with_a_floor_of_two_days(settings):
    settings.OUTBOX_RETENTION_DAYS = 10
    row(age=timezone.now() - timedelta(days=11))
    row(age=timezone.now() - timedelta(days=9))
    assert services.purge_finished() == 1

    settings.OUTBOX_RETENTION_DAYS = 0  # the events' daily cap reads a day of rows
    yesterday = row(age=timezone.now() - timedelta(days=1))
    assert services.purge_finished() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {yesterday.pk}


@pytest.mark.django_db
def test_it_keeps_the_latest_sent_message_of_a_kind_an_app_asks_about():
    # events asks whether an attendee was ever mailed a place (for the cancellation's calendar).
    older = row(kind="events.attendee", ref="7")
    latest = row(kind="events.attendee", ref="7")
    failed = row("failed", kind="events.attendee", ref="7")
    other = row(kind="events.attendee", ref="8")

    services.purge_finished()

    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {latest.pk, other.pk}
    assert older.pk not in remaining and failed.pk not in remaining


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_count_each_row_once():
    statement = StatementFactory()
    for _ in range(40):
        row(statement_id=statement.pk)
    barrier = threading.Barrier(2)
    purged = []

    def purge():
        try:
            barrier.wait(timeout=10)
            purged.append(services.purge_finished(batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(purged) == 40
    assert PurgedCount.objects.get(statement_id=statement.pk, outcome="sent").count == 40
    assert services.statement_mail_stats([statement.pk])[statement.pk]["sent"] == 40


def test_beat_purges_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-purge-finished"]
    assert entry["task"] == "outbox.tasks.purge_finished"
    assert entry["schedule"] == 3600.0


@pytest.mark.django_db
def test_the_task_purges(settings):
    from outbox.tasks import purge_finished

    row()
    assert purge_finished.delay().get() == 1


# --- Forgetting a signer ---------------------------------------------------------------------------


def _sign(client, statement, email, capture):
    with capture(execute=True):
        client.post(
            statement.get_absolute_url(),
            {"name": "Ana", "email": email, "country": "PE", "kind": "individual"},
            REMOTE_ADDR="203.0.113.9",
        )


@pytest.mark.django_db
def test_withdrawing_blanks_the_address_from_the_outbox_and_the_counts_stay(
    client, statement, django_capture_on_commit_callbacks
):
    _sign(client, statement, "ana@example.org", django_capture_on_commit_callbacks)  # mailed
    _sign(client, statement, "other@example.org", django_capture_on_commit_callbacks)
    signature = Signature.objects.get(email="ana@example.org")
    # A later submission's mail is still waiting for a sender; a refusal quoted the address.
    waiting = row("pending", statement_id=statement.pk, to="ana@example.org", age=timezone.now())
    refused = row(
        "failed", statement_id=statement.pk, to="ana@example.org", last_error="550 ana@example.org: no"
    )
    before = services.statement_mail_stats([statement.pk])[statement.pk]

    response = Client().post(f"/withdraw/{make_withdraw_token(signature)}/")

    assert response.status_code == 200
    ana = OutboxMessage.objects.filter(statement_id=statement.pk).exclude(to="other@example.org")
    assert set(ana.values_list("to", flat=True)) == {""}
    assert not [m for m in ana if m.context or "ana" in m.last_error]
    waiting.refresh_from_db()
    refused.refresh_from_db()
    assert (waiting.status, waiting.last_error) == ("dropped", services.FORGOTTEN)
    assert refused.status == "failed"
    after = services.statement_mail_stats([statement.pk])[statement.pk]
    assert (after["sent"], after["failed"]) == (before["sent"], before["failed"])
    # Someone else's mail about the same statement is untouched.
    assert OutboxMessage.objects.filter(to="other@example.org", statement_id=statement.pk).exists()


@pytest.mark.django_db
def test_anonymising_a_statement_blanks_its_outbox_but_keeps_suppression_reasons(
    client, statement, django_capture_on_commit_callbacks
):
    other = StatementFactory(campaign=statement.campaign, slug="other")
    _sign(client, statement, "ana@example.org", django_capture_on_commit_callbacks)
    _sign(client, other, "ana@example.org", django_capture_on_commit_callbacks)
    bounced = row(
        "dropped", statement_id=statement.pk, to="ana@example.org", last_error=SUPPRESSED + "bounce"
    )
    before = services.statement_mail_stats([statement.pk])[statement.pk]

    anonymise_statement(statement.pk)

    assert set(OutboxMessage.objects.filter(statement_id=statement.pk).values_list("to", flat=True)) == {""}
    bounced.refresh_from_db()
    assert bounced.last_error == SUPPRESSED + "bounce"
    assert services.statement_mail_stats([statement.pk])[statement.pk] == before
    # The same address's mail about another statement is not this statement's to erase.
    assert OutboxMessage.objects.filter(statement_id=other.pk, to="ana@example.org").exists()
