"""The statement page from the cache: rendered once per version and language, personalised per request.

The page is the same for every anonymous visitor but for the CSRF token and a few hidden fields:
where the visitor came from (utm_source, ref, src) and when the form was shown (started, for the
minimum fill time). It is rendered with markers in their place, kept in the cache, and the markers
are replaced for each request. Rendering the page costs ~10 ms
of CPU, most of it the country list of the form; a cache hit costs a small fraction of that, so a
surge of visitors from one newspaper link costs little more than the bare framework.

Copies are kept under two keys. One holds every stored field of the statement and its campaign,
the total included, so a new total or an edit shows at once; finding it takes a lookup of the
statement. The other is found by the URL alone, without the database, and is at most
STATEMENT_PAGE_FRESH_SECONDS old (a couple of seconds in production, as the total lags the tally
anyway; 0 in DEBUG, so edits show at once while developing and testing). What is stored elsewhere
(a translation, the templates after a deploy) can be up to CACHE_SECONDS old. Logged-in people
always get a page of their own. If the cache is unreachable the page is simply rendered.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.translation import get_language

from .models import Campaign, Statement
from .signup import TRACKING_PARAMETERS

log = logging.getLogger(__name__)

CACHE_SECONDS = 30
CSRF_MARK = "csrf0cached0page0marker"


def _mark(field: str) -> str:
    return f"{field}0cached0page0marker"


def cacheable(request) -> bool:
    """Anonymous GETs without a query string but where they came from (?utm_source=whatsapp from
    a share button, ?src=shortlink): the page is the same for all of them.

    A session (a logged-in organiser, pending messages) or any other query string get a page of
    their own.
    """
    return (
        request.method == "GET"
        and set(request.GET) <= TRACKING_PARAMETERS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _version(statement: Statement) -> str:
    values = [getattr(statement, f.attname) for f in Statement._meta.concrete_fields]
    values += [getattr(statement.campaign, f.attname) for f in Campaign._meta.concrete_fields]
    values.append(statement.is_open)  # closes_at passing changes the page without an edit
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _exact_key(statement: Statement) -> str:
    return f"statement-page:{statement.pk}:{get_language()}:{_version(statement)}"


def _recent_key(slugs: tuple[str, str]) -> str:
    return f"statement-page-recent:{get_language()}:{'/'.join(slugs)}"


def _cache_get(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an optimisation: without it, render
        log.warning("page cache unreachable; rendering the statement page", exc_info=True)
        return None


def _cache_set(key: str, body: str, seconds: float) -> None:
    try:
        cache.set(key, body, seconds)
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable; the statement page was not kept", exc_info=True)


def _personalise(request, body: str, per_visitor: dict) -> HttpResponse:
    html = body.replace(CSRF_MARK, get_token(request))
    for name, value in per_visitor.items():
        html = html.replace(_mark(name), escape(value))
    return HttpResponse(html)


def serve(request, slugs: tuple[str, str], per_visitor: dict, load_statement, render_page) -> HttpResponse:
    """The statement page for a GET.

    slugs are the campaign's and the statement's. per_visitor holds the initial values of the
    hidden fields that differ between visitors. load_statement() returns the public statement (or
    raises Http404); render_page(statement, initial, csrf_token) renders its page with these initial
    values and, if csrf_token is not None, that in place of the request's CSRF token.

    Two layers: a copy at most STATEMENT_PAGE_FRESH_SECONDS old, found by the slugs without asking
    the database; else the copy for the statement's current version (one lookup of the statement).
    """
    fresh_seconds = getattr(settings, "STATEMENT_PAGE_FRESH_SECONDS", 0)
    if not cacheable(request):
        return render_page(load_statement(), per_visitor, None)
    if fresh_seconds and (body := _cache_get(_recent_key(slugs))) is not None:
        return _personalise(request, body, per_visitor)
    statement = load_statement()
    key = _exact_key(statement)
    body = _cache_get(key)
    if body is None:
        # This visitor gets the page rendered for them; the cache gets a copy with markers.
        response = render_page(statement, per_visitor, None)
        if response.status_code == 200:
            marked = render_page(statement, {name: _mark(name) for name in per_visitor}, CSRF_MARK)
            body = marked.content.decode(marked.charset)
            _cache_set(key, body, CACHE_SECONDS)
            if fresh_seconds:
                _cache_set(_recent_key(slugs), body, fresh_seconds)
        return response
    if fresh_seconds:
        _cache_set(_recent_key(slugs), body, fresh_seconds)
    return _personalise(request, body, per_visitor)


# --- The statement a signing POST is for ----------------------------------------------------------
# Finding the statement by its slugs is a fifth of a signature's CPU. A surge signs the same
# statement over and over, so the row (with its campaign) is kept for STATEMENT_PAGE_FRESH_SECONDS
# under its slugs. Saving or deleting a statement or campaign drops the copies at once (see
# forget_statements); a change that bypasses save() shows within those seconds.


def _signing_key(slugs: tuple[str, str]) -> str:
    return f"statement-to-sign:{'/'.join(slugs)}"


def statement_to_sign(slugs: tuple[str, str], load_statement) -> Statement:
    """The public statement for these slugs, at most STATEMENT_PAGE_FRESH_SECONDS old.

    load_statement() finds it in the database (or raises Http404, which is not kept).
    """
    fresh_seconds = getattr(settings, "STATEMENT_PAGE_FRESH_SECONDS", 0)
    if not fresh_seconds:
        return load_statement()
    statement = _cache_get(_signing_key(slugs))
    if statement is None:
        statement = load_statement()
        _cache_set(_signing_key(slugs), statement, fresh_seconds)
    return statement


def forget_statements(statements) -> None:
    """Drop the kept copies of these statements (after the change is committed)."""
    keys = [_signing_key((s.campaign.slug, s.slug)) for s in statements]
    if not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except Exception:  # noqa: BLE001
            log.warning("page cache unreachable; kept statements not dropped", exc_info=True)

    transaction.on_commit(forget)
