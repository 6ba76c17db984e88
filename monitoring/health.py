"""What /readyz reports: each dependency the platform needs, with a status and a time.

Every check returns a dict with "status" ("ok", "failing" or "skipped") and "time": when a connection
was tried, the last beat for the heartbeat, the oldest unsent mail's due time for the mail. Errors are
named by their class only: an exception's text can carry a host name or a URL with a password, and
/readyz answers without a login.
"""

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "monitoring:beat-heartbeat"

OK, FAILING, SKIPPED = "ok", "failing", "skipped"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def _passed(started: float) -> dict:
    return {
        "status": OK,
        "time": _iso(timezone.now()),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _failed(name: str, exc: Exception, started: float) -> dict:
    log.warning("readyz: %s check failed: %r", name, exc)
    return {**_passed(started), "status": FAILING, "error": type(exc).__name__}


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable" to a probe
        return _failed("database", exc, started)
    return _passed(started)


_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1, health_check_interval=10
        )
    return _redis_client


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": SKIPPED, "time": None, "reason": "no REDIS_URL (embedded mode)"}
    started = time.perf_counter()
    try:
        _redis().ping()
    except Exception as exc:
        return _failed("redis", exc, started)
    return _passed(started)


def record_heartbeat(now: float | None = None):
    """Called by the heartbeat task: beat queued it and a worker ran it, both are alive."""
    cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), timeout=None)


def check_beat() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": SKIPPED, "time": None, "reason": "tasks run in-process (embedded mode)"}
    beaten = cache.get(HEARTBEAT_KEY)
    if beaten is None:
        return {"status": FAILING, "time": None, "age_seconds": None, "error": "no heartbeat yet"}
    age = max(0.0, time.time() - float(beaten))
    return {
        "status": OK if age <= settings.READYZ_BEAT_MAX_AGE else FAILING,
        "time": _iso(datetime.fromtimestamp(float(beaten), UTC)),
        "age_seconds": round(age, 1),
    }


def oldest_unsent_due_at() -> datetime | None:
    """The due time of the oldest mail that is due and not sent yet (None: nothing is waiting)."""
    from outbox.models import OutboxMessage

    return (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, due_at__lte=timezone.now())
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def check_mail() -> dict:
    started = time.perf_counter()
    try:
        due_at = oldest_unsent_due_at()
    except Exception as exc:
        return _failed("mail", exc, started)
    age = max(0.0, (timezone.now() - due_at).total_seconds()) if due_at else 0.0
    return {
        "status": OK if age <= settings.READYZ_MAIL_MAX_AGE else FAILING,
        "time": _iso(due_at),
        "age_seconds": round(age, 1),
    }


CHECKS = {"database": check_database, "redis": check_redis, "beat": check_beat, "mail": check_mail}


def readiness(names=None) -> dict:
    """Run the named checks (all by default); the whole is failing if any of them is."""
    results = {name: CHECKS[name]() for name in (names or CHECKS)}
    failing = any(result["status"] == FAILING for result in results.values())
    return {"status": FAILING if failing else OK, "time": _iso(timezone.now()), "checks": results}
