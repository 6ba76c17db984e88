import re

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import Client, RequestFactory

from petitions.models import Signature, Statement
from sharing import widgets
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

WIDGET = "/c/peru/statement/embed/"
COUNTER = "/c/peru/statement/embed/counter/"
DATA = {"name": "Ana", "email": "ana@example.org", "country": "PE", "kind": "individual"}


@pytest.fixture
def strict_client():
    # Enforces CSRF like a browser would: proves the widget does not rely on the cookie.
    return Client(enforce_csrf_checks=True)


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]+)", response["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url", [WIDGET, COUNTER])
def test_widget_routes_may_be_framed_by_other_sites(client, statement, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert _frame_ancestors(response) == "*"
    # The rest of the policy stays: no inline scripts or styles.
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/c/peru/statement/", "/c/peru/", "/"])
def test_other_pages_may_not_be_framed(client, statement, url):
    response = client.get(url)

    assert response["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(response) == "'none'"


def test_the_frame_ancestors_are_configurable(client, statement, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://news.example"]

    # The policy is fixed when the views are decorated (at start-up); a new decorator reads it.
    view = widgets._framable(lambda request: HttpResponse("ok"))
    response = view(RequestFactory().get(WIDGET))

    assert response._csp_config["frame-ancestors"] == ["https://news.example"]


def test_it_signs_with_a_fresh_token_without_any_cookie(strict_client, statement):
    token = _token(strict_client.get(WIDGET).content.decode())
    strict_client.cookies.clear()  # a third-party iframe may get no cookie at all

    response = strict_client.post(WIDGET, {**DATA, "form_token": token, "src": "shortlink"})

    assert response.status_code == 303
    assert response["Location"] == "/c/peru/statement/embed/thanks/"
    signature = Signature.objects.get()
    assert signature.source == Signature.Source.EMBED


def test_a_missing_token_is_refused(strict_client, statement):
    response = strict_client.post(WIDGET, DATA)

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_forged_token_is_refused(strict_client, statement):
    forged = signing.dumps({"s": statement.pk, "n": "x"}, salt=widgets.FORM_SALT, key="not-our-secret")

    response = strict_client.post(WIDGET, {**DATA, "form_token": forged})

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_token_for_another_statement_is_refused(strict_client, statement, campaign):
    other = StatementFactory(campaign=campaign, slug="other")
    token = widgets.make_form_token(other)

    response = strict_client.post(WIDGET, {**DATA, "form_token": token})

    assert response.status_code == 403


def test_a_token_is_accepted_once(strict_client, statement):
    token = widgets.make_form_token(statement)
    strict_client.post(WIDGET, {**DATA, "form_token": token})

    response = strict_client.post(WIDGET, {**DATA, "email": "bea@example.org", "form_token": token})

    assert response.status_code == 403
    assert Signature.objects.count() == 1


def test_an_expired_token_is_refused(strict_client, statement, settings):
    token = widgets.make_form_token(statement)
    settings.WIDGET_FORM_MAX_AGE = -1

    response = strict_client.post(WIDGET, {**DATA, "form_token": token})

    assert response.status_code == 403


def test_errors_are_shown_in_the_widget_with_a_new_token(strict_client, statement):
    token = widgets.make_form_token(statement)

    response = strict_client.post(WIDGET, {**DATA, "email": "not-an-email", "form_token": token})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html
    assert _token(html) != token
    assert "X-Frame-Options" not in response


def test_a_closed_statement_shows_no_form(client, statement):
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CLOSED)

    html = client.get(WIDGET).content.decode()

    assert "form_token" not in html
    assert "closed" in html


def test_the_counter_shows_the_total_and_progress(client, statement):
    Statement.objects.filter(pk=statement.pk).update(signature_count=1234)

    html = client.get(COUNTER).content.decode()

    assert "1,234" in html
    assert "<progress" in html
    assert "<form" not in html


def test_the_widget_sets_no_cookie(client, statement):
    response = client.get(WIDGET)

    assert not response.cookies


def test_the_embed_code_is_as_wide_as_its_column_up_to_a_maximum_and_sizes_itself(statement, settings):
    from sharing.widgets import snippets

    code = snippets(statement, "es")

    assert 'src="http://127.0.0.1:8000/es/c/peru/statement/embed/"' in code["widget"]
    assert 'src="http://127.0.0.1:8000/es/c/peru/statement/embed/counter/"' in code["counter"]
    for snippet in code.values():
        assert "width:100%;max-width:480px" in snippet and "data-solidarity-embed" in snippet
        assert '<script src="http://127.0.0.1:8000/static/js/embed.js" async></script>' in snippet
        assert 'width="420"' not in snippet
