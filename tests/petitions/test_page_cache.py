import re
import time

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from petitions import pagecache
from petitions.models import Signature, Statement

PAGE = "/c/peru/statement/"
SIGNER = {"name": "Ana Torres", "country": "PE", "kind": "individual"}


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name!r}"
    return match.group(1)


def test_it_serves_the_second_visitor_without_rendering_the_template(statement):
    Client().get(PAGE)

    response = Client().get(PAGE)

    assert response.status_code == 200
    assert not response.templates
    assert b'name="email"' in response.content


def test_the_page_carries_no_csrf_token_and_signs_without_one(statement):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(PAGE).content.decode()
    second_page = second.get(PAGE).content.decode()

    visitors = ((first, first_page, "ana@example.org"), (second, second_page, "bo@example.org"))
    for client, page, email in visitors:
        assert "csrfmiddlewaretoken" not in page
        assert "marker" not in page
        data = {**SIGNER, "email": email, "started": _hidden(page, "started")}
        assert client.post(PAGE, data, HTTP_ORIGIN="http://testserver").status_code == 303

    assert "csrftoken" not in first.cookies and "csrftoken" not in second.cookies
    assert Signature.objects.filter(statement=statement).count() == 2


def test_it_shows_a_new_total_at_once(client, statement):
    client.get(PAGE)
    Statement.objects.filter(pk=statement.pk).update(signature_count=4321)

    response = client.get(PAGE)

    assert b"4,321" in response.content


def test_it_shows_an_edited_statement_at_once(client, statement):
    client.get(PAGE)
    statement.title = "Free the detained"
    statement.save()

    assert b"Free the detained" in client.get(PAGE).content


def test_it_shows_a_closed_statement_without_the_form_at_once(client, statement):
    client.get(PAGE)
    statement.status = Statement.Status.CLOSED
    statement.save()

    response = client.get(PAGE)

    assert b'name="email"' not in response.content


def test_it_writes_no_visitors_referrer_into_the_page(statement):
    Client().get(PAGE, HTTP_REFERER="https://news.example/first")

    page = Client().get(PAGE, HTTP_REFERER="https://news.example/second").content.decode()

    # The page is the same for everyone; its script fills in document.referrer (static/js/site.js).
    assert re.search(r'<input type="hidden" name="ref" id="id_ref">', page)  # empty
    assert "news.example" not in page


def test_it_gives_each_visitor_the_time_their_form_was_shown(statement, settings):
    settings.SIGNING_MIN_FILL_SECONDS = 0.2
    client = Client()
    client.get(PAGE)
    time.sleep(0.3)
    page = client.get(PAGE).content.decode()
    data = {**SIGNER, "email": "quick@example.org", "started": _hidden(page, "started")}

    assert client.post(PAGE, data).status_code == 303
    # Sent back at once after the app served the page: flagged quick, although its copy is older.
    # (A shared cache in front gives everyone its copy's time: see test_shared_page.py.)
    signature = Signature.objects.get(email_normalized="quick@example.org")
    assert signature.fill_ms < 200


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
)
def test_it_renders_the_page_when_the_cache_is_unreachable(client, statement):
    response = client.get(PAGE)

    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert "marker" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "cookies", "cacheable"),
    [
        (PAGE, {}, True),
        (PAGE + "?utm_source=paper", {}, True),
        (PAGE + "?utm_source=whatsapp&src=shortlink&utm_medium=social", {}, True),
        (PAGE + "?utm_source=paper&q=1", {}, False),
        (PAGE + "?page=2", {}, False),
        (PAGE, {"sessionid": "x"}, False),
        (PAGE, {"messages": "x"}, False),
        (PAGE, {"csrftoken": "x"}, True),
    ],
)
def test_it_caches_only_pages_that_are_the_same_for_everyone(path, cookies, cacheable):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)

    assert pagecache.cacheable(request) is cacheable


def test_it_serves_a_recent_copy_without_the_database_when_allowed(client, statement, settings):
    settings.STATEMENT_PAGE_FRESH_SECONDS = 30
    client.get(PAGE)
    Statement.objects.filter(pk=statement.pk).update(signature_count=4321)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert len(queries) == 0
    assert b"4,321" not in response.content  # up to STATEMENT_PAGE_FRESH_SECONDS old
    assert b'name="email"' in response.content


def test_it_still_answers_404_for_an_unknown_statement_with_recent_copies_on(client, statement, settings):
    settings.STATEMENT_PAGE_FRESH_SECONDS = 30
    client.get(PAGE)

    assert client.get("/c/peru/no-such-statement/").status_code == 404


def test_a_shared_link_is_served_from_the_cache_with_its_own_source(statement):
    Client().get(PAGE + "?utm_source=whatsapp&src=shortlink")

    response = Client().get(PAGE + "?utm_source=telegram")

    html = response.content.decode()
    assert not response.templates  # served from the cache
    assert _hidden(html, "utm_source") == "telegram" and _hidden(html, "src") == ""
    assert "whatsapp" not in html.split("Share this statement")[0]  # the language switch drops it
    assert 'href="/es/c/peru/statement/" hreflang="es"' in html
