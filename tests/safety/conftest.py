"""The abuse checks' tests: each starts with empty rate-limit counters and block-list copies, and
signs as a browser at a given address would."""

import pytest
from django.core.cache import cache

from safety import abuse
from tests.moderation.conftest import moderator  # noqa: F401 - a moderator releases a held submission

URL = "/c/peru/statement/"


def form_data(**overrides):
    data = {"name": "Ana Torres", "email": "ana@example.org", "country": "PE", "kind": "individual"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def fresh_abuse_state(settings):
    """Each test starts with empty rate-limit counters and block-list copies."""
    abuse.forget_block_rules()
    abuse._redis_down_until = 0.0
    if not settings.REDIS_URL:
        cache.clear()  # the in-process cache; Redis is shared with the broker, so only our keys go
    else:
        client = abuse._redis()
        keys = list(client.scan_iter(match=abuse._key("*")))
        if keys:
            client.delete(*keys)
    yield
    abuse.forget_block_rules()
    abuse._redis_down_until = 0.0


@pytest.fixture
def sign(client, statement, django_capture_on_commit_callbacks):
    """POST the signing form as a browser at `ip` would."""

    def _sign(ip="203.0.113.9", **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, form_data(**overrides), REMOTE_ADDR=ip)

    return _sign
