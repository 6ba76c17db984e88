"""Per-IP and per-domain rate limits per statement: over the limit, held silently; Redis down, open."""

import pytest
from django.core import mail

from petitions.models import Signature
from safety import abuse
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings, monkeypatch):
    # The windows are fixed (a minute, five minutes): a clock 20 s into a window keeps a test's
    # burst from straddling two of them on a slow machine.
    monkeypatch.setattr(abuse.time, "time", lambda: 1_000_020.0)
    settings.SIGNING_RATE_LIMITS_ENABLED = True
    settings.SIGNING_RATE_LIMITS_PER_IP = [(5, 60), (10, 300)]
    settings.SIGNING_RATE_LIMITS_PER_DOMAIN = [(3, 60)]
    return settings


def statuses():
    return list(Signature.objects.order_by("created_at", "pk").values_list("status", flat=True))


def test_it_holds_signatures_over_the_ip_burst_but_answers_the_same(limits, sign, statement):
    responses = [sign(email=f"person{i}@gmail.com") for i in range(7)]

    assert {r.status_code for r in responses} == {303}
    assert {r["Location"] for r in responses} == {"/c/peru/statement/check-your-email/"}
    assert statuses() == ["pending"] * 5 + ["held"] * 2
    held = Signature.objects.filter(status="held")
    assert set(held.values_list("hold_reason", flat=True)) == {abuse.HOLD_IP_RATE}
    # Held for moderators, never silenced: each address's owner gets their email.
    assert len(mail.outbox) == 7


def test_it_counts_each_ip_separately(limits, sign):
    for i in range(6):
        sign(ip=f"203.0.113.{i}", email=f"person{i}@gmail.com")

    assert statuses() == ["pending"] * 6


def test_it_counts_each_statement_separately(limits, client, statement):
    other = StatementFactory(campaign=statement.campaign, slug="other")
    for i in range(5):
        client.post(statement.get_absolute_url(), _data(f"a{i}@gmail.com"), REMOTE_ADDR="203.0.113.9")
        client.post(other.get_absolute_url(), _data(f"b{i}@gmail.com"), REMOTE_ADDR="203.0.113.9")

    assert set(statuses()) == {"pending"}


def test_it_holds_signatures_over_the_domain_limit(limits, sign):
    for i in range(4):
        sign(ip=f"203.0.113.{i}", email=f"person{i}@bots.example")

    assert statuses() == ["pending"] * 3 + ["held"]
    assert Signature.objects.get(status="held").hold_reason == abuse.HOLD_DOMAIN_RATE


def test_it_never_limits_big_webmail_domains_by_domain(limits, sign):
    for i in range(5):
        sign(ip=f"203.0.113.{i}", email=f"person{i}@gmail.com")

    assert statuses() == ["pending"] * 5


def test_it_signs_normally_when_redis_is_down(limits, sign, caplog):
    limits.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    responses = [sign(email=f"person{i}@gmail.com") for i in range(7)]

    assert {r.status_code for r in responses} == {303}
    assert statuses() == ["pending"] * 7
    assert "rate limits unavailable" in caplog.text


@pytest.mark.services
def test_it_keeps_the_counters_in_redis(limits, sign, statement):
    import redis
    from django.conf import settings

    for i in range(6):
        sign(email=f"person{i}@gmail.com")

    assert statuses() == ["pending"] * 5 + ["held"]
    keys = list(redis.Redis.from_url(settings.REDIS_URL).scan_iter(match=abuse._key("ip", statement.pk, "*")))
    assert len(keys) == 2  # the one-minute and the five-minute windows
    ttl = redis.Redis.from_url(settings.REDIS_URL).ttl(keys[0])
    assert 0 < ttl <= 300


@pytest.mark.services
def test_it_holds_over_the_sustained_limit_across_bursts(limits, sign, monkeypatch):
    # Given a signer who stays under the burst limit in each minute
    clock = [1_000_000.0]
    monkeypatch.setattr(abuse.time, "time", lambda: clock[0])
    for minute in range(3):
        clock[0] = 1_000_020.0 + 60 * minute
        for i in range(4):
            sign(email=f"p{minute}-{i}@gmail.com")

    # Then the sustained limit (10 in five minutes) still holds the excess
    assert statuses().count("pending") == 10
    assert statuses().count("held") == 2


def _data(email):
    return {"name": "Ana", "email": email, "country": "PE", "kind": "individual"}
