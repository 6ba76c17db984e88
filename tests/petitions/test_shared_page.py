"""The statement page is the same for every anonymous visitor, so a shared cache or CDN can keep it;
signing from it needs no CSRF token, and another site's page cannot make a browser sign.

Over HTTP, as a visitor, a proxy and an attacker see it (petitions/pagecache.py, campaign/http.py).
"""

import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client

from petitions.models import Signature
from safety import abuse
from tests.organisers.conftest import make_user

PAGE = "/c/peru/statement/"
SIGNER = {"name": "Ana Torres", "country": "PE", "kind": "individual"}
OWN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name!r}"
    return match.group(1)


def _without_started(html: str) -> str:
    return re.sub(r'name="started" value="[^"]*"', "", html)


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", [PAGE, "/es" + PAGE, PAGE + "?utm_source=whatsapp&src=shortlink"])
def test_an_anonymous_visitor_gets_a_page_a_shared_cache_may_keep(client, statement, settings, path):
    response = client.get(path)

    assert response.status_code == 200
    assert (
        response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.STATEMENT_PAGE_SHARED_SECONDS}"
    )
    assert not response.cookies  # no Set-Cookie: no CSRF cookie, no session
    assert not _vary(response) & {"cookie", "accept-language"}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_every_anonymous_visitor_gets_the_same_bytes_but_the_forms_time(statement):
    first = Client(HTTP_ACCEPT_LANGUAGE="es", HTTP_REFERER="https://news.example/a", HTTP_USER_AGENT="A")
    first.cookies["csrftoken"] = "x" * 32
    first.cookies["_ga"] = "analytics"
    second = Client(HTTP_ACCEPT_LANGUAGE="de", HTTP_REFERER="https://blog.example/b", HTTP_USER_AGENT="B")

    pages = [client.get(PAGE).content.decode() for client in (first, second, Client())]

    assert _without_started(pages[0]) == _without_started(pages[1]) == _without_started(pages[2])
    assert "news.example" not in pages[0] and "blog.example" not in pages[1]


def test_a_logged_in_visitor_gets_a_private_page_of_their_own(client, statement):
    client.force_login(make_user("organiser@example.org"))

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=0"
    assert "Organisers' dashboard" in response.content.decode()


def test_a_visitor_with_pending_messages_gets_a_private_page(client, statement):
    client.cookies["messages"] = "anything"

    assert client.get(PAGE)["Cache-Control"] == "private, max-age=0"


def test_it_signs_from_the_page_without_a_csrf_token(statement):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(PAGE).content.decode()
    data = {**SIGNER, "email": "ana@example.org", "started": _hidden(page, "started")}

    response = browser.post(PAGE, data, **OWN)

    assert response.status_code == 303
    assert Signature.objects.filter(statement=statement, email_normalized="ana@example.org").exists()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="a foreign Origin"),
        pytest.param({"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"}, id="both"),
        pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, id="Sec-Fetch-Site cross-site, no Origin"),
        pytest.param({"HTTP_ORIGIN": "null"}, id="Origin null (a no-referrer page, a sandboxed frame)"),
        pytest.param(
            {"HTTP_ORIGIN": "http://shop.testserver", "HTTP_SEC_FETCH_SITE": "same-site"}, id="same site"
        ),
        pytest.param({"HTTP_ORIGIN": "http://testserver:8080"}, id="another port"),
        pytest.param({"HTTP_ORIGIN": "https://testserver"}, id="another scheme"),
        pytest.param({"HTTP_ORIGIN": "http://testserver.evil.example"}, id="our name as a prefix"),
        pytest.param({"HTTP_ORIGIN": "http://["}, id="not an origin"),
    ],
)
def test_it_refuses_a_post_that_another_sites_page_made_the_browser_send(statement, headers):
    response = Client(enforce_csrf_checks=True).post(
        PAGE, {**SIGNER, "email": "victim@example.org"}, **headers
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form was sent from another site" in html
    assert f'href="{PAGE}"' in html  # a way back to the page, to sign there
    assert not Signature.objects.exists()


def test_the_refusal_reads_in_spanish_on_a_spanish_page(statement):
    response = Client().post("/es" + PAGE, SIGNER, HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert "Este formulario se envió desde otro sitio" in response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ORIGIN": "http://testserver"}, id="our Origin, no Sec-Fetch-Site"),
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="same-origin, no Origin"),
        pytest.param({"HTTP_SEC_FETCH_SITE": "none"}, id="none (typed by the user)"),
        pytest.param({"HTTP_ORIGIN": "https://campaign.example"}, id="SITE_URL's origin (behind a proxy)"),
        pytest.param({"HTTP_ORIGIN": "https://partner.example"}, id="a CSRF_TRUSTED_ORIGINS entry"),
        pytest.param(
            {"HTTP_ORIGIN": "https://www.friends.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
            id="a wildcard CSRF_TRUSTED_ORIGINS entry",
        ),
        pytest.param({}, id="no browser at all (curl)"),
    ],
)
def test_it_accepts_a_post_from_our_own_pages(statement, settings, headers):
    settings.SITE_URL = "https://campaign.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example", "https://*.friends.example"]

    response = Client(enforce_csrf_checks=True).post(PAGE, {**SIGNER, "email": "ana@example.org"}, **headers)

    assert response.status_code == 303
    assert Signature.objects.count() == 1


# --- The form's start time, shared by everyone who gets one copy ---------------------------------


def _sign(started: str, email: str):
    return Client().post(PAGE, {**SIGNER, "email": email, "started": started}, **OWN)


@pytest.fixture
def min_fill(settings):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    return settings


@pytest.mark.parametrize(
    "started",
    [
        pytest.param("", id="missing"),
        pytest.param("1700000000000", id="an unsigned time"),
        pytest.param(
            signing.dumps(int(time.time() * 1000) - 60_000, salt="sharing.widget-form"), id="other salt"
        ),
        pytest.param(abuse.form_started_token()[:-3] + "abc", id="altered signature"),
    ],
)
def test_a_forged_start_time_holds_the_signature_for_review(statement, min_fill, started):
    response = _sign(started, "forged@example.org")

    assert response.status_code == 303  # the same answer: a bot learns nothing
    signature = Signature.objects.get(email_normalized="forged@example.org")
    assert signature.status == Signature.Status.HELD
    assert signature.hold_reason == abuse.HOLD_NO_FORM_TIME


def test_a_start_time_from_yesterday_is_read_as_a_slow_form(statement, min_fill):
    with mock.patch("time.time", return_value=time.time() - 86_400):
        yesterday = abuse.form_started_token()

    _sign(yesterday, "slow@example.org")

    # The token proves the form came from our page, not when this visitor saw it: not held.
    signature = Signature.objects.get(email_normalized="slow@example.org")
    assert signature.status == Signature.Status.PENDING
    assert signature.fill_ms >= 86_000_000


def test_one_copys_start_time_replayed_counts_from_when_the_copy_was_made(statement, min_fill):
    # One copy of the page, as a shared cache hands it to everyone for s-maxage seconds.
    page = Client().get(PAGE).content.decode()
    started = _hidden(page, "started")

    for n in range(3):
        assert _sign(started, f"replay{n}@example.org").status_code == 303

    signatures = Signature.objects.filter(email_normalized__startswith="replay")
    # Every reuse is measured from the copy's time: sent back at once, so flagged quick for
    # moderators (never held for that alone); the per-IP rate limits count each attempt.
    assert signatures.count() == 3
    assert all(s.status == Signature.Status.PENDING and abuse.is_quick(s.fill_ms) for s in signatures)
