"""A request id on every request and log line; JSON lines when LOG_JSON is on."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitoring.logs import JsonLogFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the JSON handler of LOG_JSON=1 writes, one parsed object per line."""
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Keep()
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("monitoring.requests")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_request_gets_an_id_it_answers_with_and_logs(client, statement, json_lines):
    response = client.get("/c/peru/statement/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = json_lines
    assert line["request_id"] == request_id
    assert line["level"] == "INFO"
    assert line["logger"] == "monitoring.requests"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert "duration_ms" in line
    assert line["timestamp"].endswith("+00:00")


def test_it_keeps_the_proxys_request_id(client, json_lines):
    response = client.get("/", HTTP_X_REQUEST_ID="edge-4f2a9c1b-77")

    assert response["X-Request-ID"] == "edge-4f2a9c1b-77"
    assert json_lines[0]["request_id"] == "edge-4f2a9c1b-77"


@pytest.mark.parametrize("forged", ["x", "a b c d e f g h", "id\nFAKE LOG LINE", "é" * 20, "a" * 101])
def test_a_forged_request_id_is_replaced(client, json_lines, forged):
    response = client.get("/", HTTP_X_REQUEST_ID=forged)

    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_it_logs_the_route_not_the_path_that_carries_a_token(client, json_lines):
    client.get("/confirm/secret-token-123/")

    assert "secret-token-123" not in json.dumps(json_lines)
    assert json_lines[0]["route"] == "confirm/<str:token>/"


def test_log_json_makes_every_log_line_a_json_object():
    env = {**os.environ, "LOG_JSON": "1", "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "campaign.settings"}
    code = "import django, logging; django.setup(); logging.getLogger('petitions').warning('tally %s', 3)"

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "tally 3"
    assert line["level"] == "WARNING"
    assert line["logger"] == "petitions"
    assert line["request_id"] == ""
