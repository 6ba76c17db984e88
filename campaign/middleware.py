import logging

from django.db import InterfaceError, OperationalError
from django.http import QueryDict
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


class UnstorableQueryMiddleware:
    """Drop NUL characters from query strings, for every search, filter and admin list on the site.

    PostgreSQL refuses a NUL in any text it is asked to compare, so `?q=a%00b` would be a 500 in
    whichever view passed it on; no slug, choice or search term can contain one, so removing it
    changes no meaningful answer. (Forms refuse a NUL in what they store, with a message.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                for value in values:
                    cleaned.appendlist(key.replace("\x00", ""), value.replace("\x00", ""))
            request.META["QUERY_STRING"] = cleaned.urlencode()
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
