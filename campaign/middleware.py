import logging

from django.db import InterfaceError, OperationalError
from django.template.response import TemplateResponse

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (restart, failover) answer a clear 503, not a stack trace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.warning("database unavailable: %s", exception)
            response = TemplateResponse(request, "503.html", status=503)
            response["Retry-After"] = "10"
            return response.render()
        return None
