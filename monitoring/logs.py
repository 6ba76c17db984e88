"""A request id on every log line, JSON lines when LOG_JSON is on, and each request counted and timed."""

import contextvars
import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# A proxy's X-Request-ID is kept only when it looks like an id: it goes into every log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,100}")
HEADER = "X-Request-ID"
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

requests_log = logging.getLogger("monitoring.requests")

# Labelled by route pattern, never by path: a bounded set of series, and no tokens in them.
REQUESTS = Counter("campaign_http_requests", "Requests served.", ["method", "route", "status"])
LATENCY = Histogram(
    "campaign_http_request_duration_seconds",
    "Time to answer a request.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the request being served, else "") and `task_id` (in a Celery task)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        if not hasattr(record, "task_id"):
            from celery import current_task

            record.task_id = current_task.request.id if current_task else None
        return True


class JsonLogFormatter(JsonFormatter):
    """{"timestamp": ISO 8601 UTC, "level", "logger", "message", "request_id", "task_id", extras}."""

    FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(self.FIELDS, **kwargs)


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, or a new one), logs it, and answers it.

    The request line names the route pattern, not the path: paths carry confirmation tokens.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            route = match.route if match else "-"
            seconds = time.perf_counter() - started
            method = request.method if request.method in KNOWN_METHODS else "other"
            REQUESTS.labels(method, route, str(response.status_code)).inc()
            LATENCY.labels(route).observe(seconds)
            requests_log.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
