"""HTTP helpers every app shares."""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt


def see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: after a POST, the browser GETs the next page (a reload never posts again)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


# --- Cross-site requests without a CSRF token -----------------------------------------------------
# A page that a shared cache serves to everyone cannot carry a per-visitor CSRF token. Browsers say
# where a request comes from without one: Sec-Fetch-Site (every current browser) and Origin (on
# every POST, for years). Django 6.1 has no check built on them alone (its CSRF middleware reads
# Origin but still wants the token), so this is the check Go's net/http CrossOriginProtection
# makes, for the few views that opt in with @same_origin_post.


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _trusted(request, origin: str) -> bool:
    """This site's own origin (as the request reached it, or SITE_URL) or a CSRF_TRUSTED_ORIGINS entry."""
    origin = origin.lower()
    if origin in {f"{request.scheme}://{request.get_host()}".lower(), _origin(settings.SITE_URL)}:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:  # "http://[": not an origin at all
        return False
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _, host = trusted.lower().partition("://")
        if origin == f"{scheme}://{host}" or (
            "*" in host and parts.scheme == scheme and is_same_domain(parts.netloc, host.removeprefix("*"))
        ):
            return True
    return False


def cross_site(request) -> str:
    """Why this request was sent by another site's page, or "" if it was not.

    Sec-Fetch-Site "same-origin" or "none" (typed, bookmarked) passes; any other value passes only
    with a trusted Origin. Without Sec-Fetch-Site (older browsers) the Origin decides. A request
    with neither comes from no browser page of the last six years (curl, a script), which a CSRF
    token would not stop either.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site in {"same-origin", "none"}:
        return ""
    origin = request.headers.get("Origin")
    if origin is not None:
        return "" if _trusted(request, origin) else f"Origin {origin[:100]!r} is another site"
    if fetch_site:
        return f"Sec-Fetch-Site is {fetch_site[:20]!r} and there is no Origin"
    return ""


def same_origin_post(view):
    """Instead of Django's CSRF token: refuse (403, with a page that says what to do) an unsafe
    request that another site's page made the browser send. Safe methods pass."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"} and cross_site(request):
            return render(request, "403_cross_site.html", {"retry_url": request.path}, status=403)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
