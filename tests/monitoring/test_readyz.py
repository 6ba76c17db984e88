"""/readyz: each check's status and time, and the HTTP status a probe acts on."""

import io
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring import health
from monitoring.tasks import heartbeat
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat():
    from django.core.cache import cache

    cache.delete(health.HEARTBEAT_KEY)
    yield
    cache.delete(health.HEARTBEAT_KEY)


@pytest.fixture
def with_beat(settings):
    """As in production: tasks go to workers, so beat's heartbeat is expected."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def readyz(client, query=""):
    response = client.get("/readyz" + query)
    return response.status_code, json.loads(response.content)


def test_it_is_ready_in_embedded_mode_where_beat_is_not_expected(client):
    status, report = readyz(client)

    assert status == 200
    assert report["status"] == "ok"
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["beat"]["status"] == "skipped"
    assert report["checks"]["mail"] == {"status": "ok", "time": None, "age_seconds": 0.0}


def test_it_fails_before_the_first_heartbeat(client, with_beat):
    status, report = readyz(client)

    assert status == 503
    assert report["checks"]["beat"]["status"] == "failing"


def test_the_heartbeat_task_makes_beat_healthy(client, with_beat):
    heartbeat()

    status, report = readyz(client, "?checks=beat")

    assert status == 200
    assert report["checks"]["beat"]["status"] == "ok"
    assert report["checks"]["beat"]["age_seconds"] < 5


def test_it_fails_when_the_last_heartbeat_is_too_old(client, with_beat):
    with_beat.READYZ_BEAT_MAX_AGE = 120
    health.record_heartbeat(time.time() - 121)

    status, report = readyz(client, "?checks=beat")

    assert status == 503
    assert report["checks"]["beat"]["age_seconds"] >= 121


def test_it_fails_when_a_mail_has_waited_too_long(client, settings):
    settings.READYZ_MAIL_MAX_AGE = 900
    due_at = timezone.now() - timedelta(seconds=1000)
    OutboxMessage.objects.create(kind="tests.note", to="someone@example.org", due_at=due_at)

    status, report = readyz(client, "?checks=mail")

    assert status == 503
    mail = report["checks"]["mail"]
    assert mail["status"] == "failing"
    assert mail["time"] == due_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    assert mail["age_seconds"] >= 1000
    assert "someone@example.org" not in json.dumps(report)


def test_mail_due_later_or_already_sent_is_no_lag(client):
    OutboxMessage.objects.create(
        kind="tests.note", to="a@example.org", due_at=timezone.now() + timedelta(days=1)
    )
    OutboxMessage.objects.create(
        kind="tests.note",
        to="b@example.org",
        due_at=timezone.now() - timedelta(days=1),
        status=OutboxMessage.Status.SENT,
    )

    status, report = readyz(client, "?checks=mail")

    assert status == 200
    assert report["checks"]["mail"]["age_seconds"] == 0.0


def test_a_probe_may_choose_its_checks(client, with_beat):
    status, report = readyz(client, "?checks=database,redis")

    assert status == 200  # beat has not beaten, but this probe did not ask about it
    assert set(report["checks"]) == {"database", "redis"}


def test_an_unknown_check_is_a_clear_400(client):
    status, report = readyz(client, "?checks=database,nope")

    assert status == 400
    assert report["error"] == "unknown checks: nope"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_whatever_host_kubernetes_sends(client, path):
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_command_exits_with_an_error_when_a_named_check_fails(with_beat):
    from django.core.management import CommandError, call_command

    call_command("readyz", "database", "mail", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not ready: beat"):
        call_command("readyz", "beat", stdout=io.StringIO())
