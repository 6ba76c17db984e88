"""/readyz on the whole stack: unhealthy while Redis or PostgreSQL is stopped, healthy again after."""

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.services


def readyz(stack) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{stack.site_url}/readyz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def ready(stack) -> bool:
    return readyz(stack)[0] == 200


def statuses(report: dict) -> dict[str, str]:
    return {name: check["status"] for name, check in report["checks"].items()}


def test_it_is_ready_once_beat_and_a_worker_have_beaten(chaos):
    wait_until(lambda: ready(chaos), what="/readyz to answer 200", timeout=60, interval=0.5)

    status, report = readyz(chaos)

    assert status == 200
    assert statuses(report) == {"database": "ok", "redis": "ok", "beat": "ok", "mail": "ok"}
    assert report["checks"]["beat"]["age_seconds"] < 30


@pytest.mark.parametrize(
    ("server", "failing"),
    [("redis", {"redis"}), ("postgres", {"database", "mail"})],
)
def test_it_is_unhealthy_while_a_server_is_stopped_and_healthy_again_after(chaos, server, failing):
    wait_until(lambda: ready(chaos), what="/readyz to answer 200", timeout=60, interval=0.5)

    getattr(chaos, server).stop()
    try:
        status, report = readyz(chaos)
    finally:
        getattr(chaos, server).start()

    assert status == 503
    assert report["status"] == "failing"
    assert {name for name, status in statuses(report).items() if status == "failing"} >= failing
    assert statuses(report)["redis" if server == "postgres" else "database"] == "ok"
    # The error is named; its text (host, port) is not
    assert "127.0.0.1" not in json.dumps(report)
    # Redis restarts empty: ready again once beat's next heartbeat has gone through it
    wait_until(lambda: ready(chaos), what=f"/readyz to recover after {server}", timeout=90, interval=0.5)
