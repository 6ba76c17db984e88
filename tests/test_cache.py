"""The Redis cache answers as if empty while Redis is unreachable, instead of raising."""

import os
import socket
import time

import pytest

from campaign.cache import ResilientRedisCache


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_cache(location: str) -> ResilientRedisCache:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return ResilientRedisCache(location, {"KEY_PREFIX": "cache-test", "OPTIONS": options})


def test_it_behaves_like_the_dummy_cache_when_redis_is_down():
    cache = make_cache(f"redis://127.0.0.1:{closed_port()}/0")

    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is True  # like DummyCache: a lock taken with add() does not block
    assert cache.set("k", 1) is None
    assert cache.get_many(["k", "l"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    assert cache.touch("k") is False
    cache.set_many({"k": 1})
    cache.delete_many(["k"])
    with pytest.raises(ValueError):
        cache.incr("k")


def test_it_stops_trying_redis_for_a_while_after_a_failure():
    cache = make_cache("redis://192.0.2.1:6379/0")  # TEST-NET: connecting times out

    started = time.monotonic()
    assert cache.get("k") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("k") is None
    rest = time.monotonic() - started

    assert first <= 2.5
    assert rest < 0.1


@pytest.mark.services
def test_it_is_a_normal_cache_when_redis_is_up():
    cache = make_cache(os.environ["REDIS_URL"])
    cache.delete("k")

    assert cache.add("k", 1, timeout=30) is True
    assert cache.incr("k") == 2
    assert cache.get("k") == 2
    cache.delete("k")
