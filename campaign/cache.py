"""Django's Redis cache, except that Redis being unreachable is a cache miss, not a 500.

Django's RedisCache lets redis-py's ConnectionError escape from every call, so a Redis outage would
break any page that touches the cache (allauth's login rate limits, for one). Here, while Redis is
unreachable, the cache behaves like Django's DummyCache: reads miss, writes are accepted and
forgotten, add() succeeds (so allauth's cache lock does not turn into a 429 for everyone) and
incr() says the key is missing. Rate limits kept in the cache are therefore off during an outage.
After a failure Redis is left alone for a few seconds, so requests do not each wait on it.
"""

import functools
import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


def _missing_key(key, *args):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


def _or_when_unavailable(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args):
            if time.monotonic() < self._unavailable_until:
                return fallback(*args)
            try:
                return method(self, *args)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                self._unavailable_until = time.monotonic() + RETRY_AFTER_SECONDS
                log.warning("cache unavailable, answering as if empty for %gs: %s", RETRY_AFTER_SECONDS, exc)
                return fallback(*args)

        return wrapper

    return decorate


class ResilientRedisCacheClient(RedisCacheClient):
    _unavailable_until = 0.0

    add = _or_when_unavailable(lambda *a: True)(RedisCacheClient.add)
    get = _or_when_unavailable(lambda key, default: default)(RedisCacheClient.get)
    set = _or_when_unavailable(lambda *a: None)(RedisCacheClient.set)
    touch = _or_when_unavailable(lambda *a: False)(RedisCacheClient.touch)
    delete = _or_when_unavailable(lambda *a: False)(RedisCacheClient.delete)
    get_many = _or_when_unavailable(lambda *a: {})(RedisCacheClient.get_many)
    has_key = _or_when_unavailable(lambda *a: False)(RedisCacheClient.has_key)
    incr = _or_when_unavailable(_missing_key)(RedisCacheClient.incr)
    set_many = _or_when_unavailable(lambda *a: None)(RedisCacheClient.set_many)
    delete_many = _or_when_unavailable(lambda *a: None)(RedisCacheClient.delete_many)
    clear = _or_when_unavailable(lambda *a: None)(RedisCacheClient.clear)

    def get_client(self, key=None, *, write=False):
        # One redis-py client per connection pool, made once: Django builds a new one for every
        # call, which costs ~0.3 ms of CPU, a good part of serving a cached page.
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
