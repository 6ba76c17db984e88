"""The statement page for everyone: the same bytes for every anonymous visitor, so shared caches keep it.

A surge reads the statement page far more than it signs. For an anonymous visitor (no session
cookie) the page depends on its URL alone, and says so: `Cache-Control: public, max-age=0,
s-maxage=STATEMENT_PAGE_SHARED_SECONDS`, no Set-Cookie, no Vary on Cookie or Accept-Language (the
language is the URL's). So a proxy or CDN in front (the compose file's nginx) answers most reads
without reaching the app. What used to differ per visitor comes another way:
- the CSRF token: signing needs none; the POST is checked for coming from this site's own pages
  (campaign.http.same_origin_post: Sec-Fetch-Site and Origin);
- where the visitor came from: utm_source and src are in the URL, so in any cache's key; the
  external referrer is filled in from document.referrer by static/js/site.js (without JavaScript
  it is not recorded);
- when the form was shown (`started`, for the minimum fill time): the time this copy was made, the
  same for everyone the shared cache gives it to, so at most STATEMENT_PAGE_SHARED_SECONDS earlier
  than the visitor saw it (see the README, "Surge reads").
Logged-in people (and anyone with pending messages) get a page of their own, marked private.

Behind no shared cache (`make run`, a proxy that does not cache) the app keeps its own copies:
rendering costs ~10 ms of CPU, most of it the country list of the form; a copy costs a small
fraction of that. The copy is rendered with markers in place of the hidden fields above (utm_source,
src, started) and they are filled in for each request. Copies are kept under two keys. One, in the
shared cache (Redis), holds every stored field of the statement and its campaign, the total
included, so a new total or an edit shows at once; finding it takes a lookup of the statement. The
other is found by the URL alone, without the database, and is at most STATEMENT_PAGE_FRESH_SECONDS
old (a couple of seconds in production, as the total lags the tally anyway; 0 in DEBUG, so edits
show at once while developing and testing). That one is kept in each web process's own memory
(`local`), not in Redis: a surge reads it on every request, and a Redis round trip plus unpickling
tens of KB cost more than the rest of serving it. What is stored elsewhere (a translation, the
templates after a deploy) can be up to CACHE_SECONDS old. If the cache is unreachable the page is
simply rendered.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import get_language

from campaigns.models import Campaign

from .models import Statement
from .signup import TRACKING_PARAMETERS

log = logging.getLogger(__name__)

CACHE_SECONDS = 30

# This process's own copies, each at most STATEMENT_PAGE_FRESH_SECONDS old: what a surge reads on
# every request, without a round trip to Redis. A change made in another process reaches them when
# they expire (see forget_statements).
local = LocMemCache("petitions-pagecache", {"OPTIONS": {"MAX_ENTRIES": 1000}})


def _mark(field: str) -> str:
    return f"{field}0cached0page0marker"


def shared(request) -> bool:
    """Whether this visitor gets the page everyone gets: no session (a logged-in organiser) and no
    pending messages."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def cacheable(request) -> bool:
    """Whether the app may answer from its own copies: a shared page whose query string only says
    where the visitor came from (?utm_source=whatsapp from a share button, ?src=shortlink)."""
    return request.method == "GET" and set(request.GET) <= TRACKING_PARAMETERS and shared(request)


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


def _template(body: str, names) -> tuple:
    """A copy split at its markers, filled in with one join: bytes, a field's name, bytes, ...

    Kept so in this process's memory, a read costs neither a search through the page nor its
    encoding. (A value filled in is never searched for markers again.)
    """
    markers = {_mark(name): name for name in names}
    pieces = re.split("(" + "|".join(map(re.escape, markers)) + ")", body)
    return tuple(
        markers[piece] if i % 2 else piece.encode(settings.DEFAULT_CHARSET) for i, piece in enumerate(pieces)
    )


def _fill(template: tuple, per_request: dict) -> HttpResponse:
    charset = settings.DEFAULT_CHARSET
    pieces = (escape(per_request[name]).encode(charset) if i % 2 else name for i, name in enumerate(template))
    return HttpResponse(b"".join(pieces))


def _headers(request, response: HttpResponse) -> HttpResponse:
    if shared(request):
        seconds = settings.STATEMENT_PAGE_SHARED_SECONDS
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    else:
        patch_cache_control(response, private=True, max_age=0)
    return response


def serve(request, slugs: tuple[str, str], per_request: dict, load_statement, render_page) -> HttpResponse:
    """The statement page for a GET.

    slugs are the campaign's and the statement's. per_request holds the initial values of the
    hidden fields that the app's copies leave as markers (they depend on the URL and the time).
    load_statement() returns the public statement (or raises Http404); render_page(statement,
    initial, shared) renders its page with these initial values, for everyone if shared (as an
    anonymous visitor, whatever the request's session) or for this visitor.

    Two layers of copies: one at most STATEMENT_PAGE_FRESH_SECONDS old, found by the slugs without
    asking the database; else the copy for the statement's current version (one lookup).
    """
    return _headers(request, _serve(request, slugs, per_request, load_statement, render_page))


def _serve(request, slugs, per_request, load_statement, render_page) -> HttpResponse:
    fresh_seconds = getattr(settings, "STATEMENT_PAGE_FRESH_SECONDS", 0)
    if not cacheable(request):
        return render_page(load_statement(), per_request, shared(request))
    if fresh_seconds and (template := local.get(_recent_key(slugs))) is not None:
        return _fill(template, per_request)
    statement = load_statement()
    key = _exact_key(statement)
    body = _cache_get(key)
    if body is None:
        marked = render_page(statement, {name: _mark(name) for name in per_request}, True)
        if marked.status_code != 200:
            return marked
        body = marked.content.decode(marked.charset)
        _cache_set(key, body, CACHE_SECONDS)
    template = _template(body, per_request)
    if fresh_seconds:
        local.set(_recent_key(slugs), template, fresh_seconds)
    return _fill(template, per_request)


# --- The statement a signing POST is for ----------------------------------------------------------
# Finding the statement by its slugs is a fifth of a signature's CPU. A surge signs the same
# statement over and over, so the row (with its campaign) is kept for STATEMENT_PAGE_FRESH_SECONDS
# under its slugs, in this process's memory (`local`: reading it from Redis was a second round trip
# and a model to unpickle on every signature). Saving or deleting a statement or campaign drops this
# process's copy at once (see forget_statements); the other web processes (an admin's edit is saved
# in one of them) use theirs until it expires, so a change reaches them within those seconds, as
# does a change that bypasses save().


def _signing_key(slugs: tuple[str, str]) -> str:
    return f"statement-to-sign:{'/'.join(slugs)}"


def statement_to_sign(slugs: tuple[str, str], load_statement) -> Statement:
    """The public statement for these slugs, at most STATEMENT_PAGE_FRESH_SECONDS old.

    load_statement() finds it in the database (or raises Http404, which is not kept).
    """
    fresh_seconds = getattr(settings, "STATEMENT_PAGE_FRESH_SECONDS", 0)
    if not fresh_seconds:
        return load_statement()
    statement = local.get(_signing_key(slugs))  # unpickled: each request gets its own instance
    if statement is None:
        statement = load_statement()
        local.set(_signing_key(slugs), statement, fresh_seconds)
    return statement


def forget_statements(statements) -> None:
    """Drop this process's kept copies of these statements (after the change is committed); other
    processes' copies expire within STATEMENT_PAGE_FRESH_SECONDS."""
    keys = [_signing_key((s.campaign.slug, s.slug)) for s in statements]
    if keys:
        transaction.on_commit(lambda: local.delete_many(keys))
