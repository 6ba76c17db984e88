"""The embeddable widget: a statement's counter, progress and signing form inside an iframe.

Only these views may be framed, by any site (settings.EMBED_FRAME_ANCESTORS): they send no
X-Frame-Options and a Content-Security-Policy whose frame-ancestors allows the embedding pages.
Every other page keeps X-Frame-Options DENY and frame-ancestors 'none'.

CSRF. Django's CSRF check relies on the csrftoken cookie, which a browser does not send from a
third-party iframe (SameSite=Lax, and Safari, Firefox and Chrome's tracking protection block
third-party cookies outright), so the standard check would refuse every honest signer. Setting the
cookie SameSite=None would weaken it for the whole site and still fail where third-party cookies
are blocked. So the widget's POST is exempt from the cookie check and carries its own token
instead: signed with SECRET_KEY, bound to this statement, valid for WIDGET_FORM_MAX_AGE seconds
and accepted once (its nonce is spent in the cache). A forged, altered, expired, replayed or
missing token is refused with 403 and nothing is stored. What CSRF protects against — a page
making the visitor's browser act with the visitor's credentials — has nothing to act on here:
the widget reads no session or cookie and a signature is confirmed by email anyway.
"""

import dataclasses
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from campaign.http import see_other
from petitions import services as petitions
from petitions.forms import SignatureForm
from petitions.models import Signature, Statement
from petitions.signup import external_referrer, request_info
from petitions.translations import localise

from .views import public_statement

FORM_SALT = "sharing.widget-form"


def _framable(view):
    """Allow framing by other sites for this view only; everything else of the CSP stays."""
    policy = {**settings.SECURE_CSP, "frame-ancestors": list(settings.EMBED_FRAME_ANCESTORS)}
    return xframe_options_exempt(csp_override(policy)(view))


def make_form_token(statement: Statement) -> str:
    return signing.dumps({"s": statement.pk, "n": secrets.token_urlsafe(12)}, salt=FORM_SALT)


def spend_form_token(token: str, statement: Statement) -> bool:
    """True once for a genuine, unexpired token made for this statement; False otherwise."""
    try:
        data = signing.loads(token or "", salt=FORM_SALT, max_age=settings.WIDGET_FORM_MAX_AGE)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("s") != statement.pk or not data.get("n"):
        return False
    try:
        return cache.add(f"widget-token:{data['n']}", 1, settings.WIDGET_FORM_MAX_AGE)
    except Exception:  # noqa: BLE001 - without the cache, a genuine token is still a genuine token
        return True


def _page(request, statement, form, status=200):
    context = {
        "statement": localise(statement),
        "form": form,
        "form_token": make_form_token(statement) if form is not None else "",
        "statement_url": settings.SITE_URL + statement.get_absolute_url(),
    }
    return render(request, "sharing/widget.html", context, status=status)


@_framable
@csrf_exempt
@require_http_methods(["GET", "POST"])
def widget(request, campaign_slug, statement_slug):
    statement = public_statement(campaign_slug, statement_slug)
    if request.method == "GET":
        initial = {"utm_source": request.GET.get("utm_source", "")[:100], "ref": external_referrer(request)}
        form = SignatureForm(statement=statement, initial=initial) if statement.is_open else None
        return _page(request, statement, form)
    if not spend_form_token(request.POST.get("form_token", ""), statement):
        return render(request, "sharing/widget_expired.html", {"statement": statement}, status=403)
    if not statement.is_open:
        return _page(request, statement, None, status=400)
    form = SignatureForm(request.POST, statement=statement)
    if not form.is_valid():
        return _page(request, statement, form, status=400)
    if not form.is_bot:
        info = dataclasses.replace(request_info(request, form), source=Signature.Source.EMBED)
        petitions.sign(statement, form.cleaned_data, info)
    # The same answer whether or not this email had signed: nothing to enumerate.
    return see_other(reverse("sharing:widget_thanks", args=[campaign_slug, statement_slug]))


@_framable
@require_GET
def widget_thanks(request, campaign_slug, statement_slug):
    statement = localise(public_statement(campaign_slug, statement_slug))
    return render(request, "sharing/widget_thanks.html", {"statement": statement})


@_framable
@require_GET
@cache_control(public=True, max_age=30)
def counter(request, campaign_slug, statement_slug):
    statement = localise(public_statement(campaign_slug, statement_slug))
    context = {"statement": statement, "statement_url": settings.SITE_URL + statement.get_absolute_url()}
    return render(request, "sharing/widget_counter.html", context)


# The iframe's height before the widget tells the embedding page its own (or for good, where the
# page cannot run our script): enough for the whole form and its Sign button at a phone's width,
# so nobody has to scroll inside the frame to sign. Measured by tests/browser/test_embed_widget.py.
FALLBACK_HEIGHT = {"widget": 1400, "counter": 260}
MAX_WIDTH = 480  # px, the widget's own layout width; narrower hosts get 100 % of their column


def snippets(statement: Statement, language: str | None = None) -> dict[str, str]:
    """The copy-paste code organisers put on their own pages: an iframe at 100 % of the column's
    width up to MAX_WIDTH, and a small script that sizes it to its content."""
    with translation.override(language or translation.get_language()):
        base = settings.SITE_URL + statement.get_absolute_url()
    title = escape(statement.title)
    script = f'<script src="{settings.SITE_URL}{settings.STATIC_URL}js/embed.js" async></script>'
    style = f"display:block;width:100%;max-width:{MAX_WIDTH}px;border:0"
    return {
        kind: (
            f'<iframe src="{base}{path}" title="{title}" data-solidarity-embed '
            f'style="{style};height:{FALLBACK_HEIGHT[kind]}px" loading="lazy"></iframe>\n{script}'
        )
        for kind, path in (("widget", "embed/"), ("counter", "embed/counter/"))
    }
