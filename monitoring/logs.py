"""A request id on every log line, and one JSON object per line when LOG_JSON is on."""

import contextvars
import logging
import re
import time
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# A proxy's X-Request-ID is kept only when it looks like an id: it goes into every log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,100}")
HEADER = "X-Request-ID"

requests_log = logging.getLogger("monitoring.requests")


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
            requests_log.info(
                "%s %s %s",
                request.method,
                match.route if match else "-",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": match.route if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
