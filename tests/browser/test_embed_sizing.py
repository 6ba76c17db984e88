"""The dashboard's embed code on another site's page, at a phone's and a laptop's width, in English
and Spanish: the iframe takes its column's width up to a maximum, sizes itself to its content (no
inner scroll), still shows the whole form without the script, and signs."""

import os

import pytest
from playwright.sync_api import expect

from petitions.models import Signature, StatementTranslation
from sharing import widgets
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")
CHECK_EMAIL = {"en": "Check your email", "es": "Revise su correo"}


@pytest.fixture
def statement(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url  # the snippets point at this site
    statement = StatementFactory(
        campaign__slug="peru", slug="statement", title="Democracy for Peru", target=100
    )
    StatementTranslation.objects.create(
        statement=statement, language="es", title="Democracia para el Perú", body="Texto"
    )
    return statement


def _host_page(snippet: str) -> str:
    return (
        '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>News</title><link rel="icon" href="data:,">'
        "<style>body{font-family:serif;margin:0 16px} article{max-width:760px;margin:auto}</style></head>"
        "<body><article><h1>Today's news</h1><p>A newspaper's article about the protests.</p>"
        f"{snippet}<p>The article goes on below the widget.</p></article></body></html>"
    )


def _frame_overflow(page) -> int:
    """How many pixels of the widget's page lie below the iframe's visible height (0: no inner scroll)."""
    frame = page.locator("iframe[data-solidarity-embed]")
    inner = frame.element_handle().content_frame()
    inner.wait_for_load_state()
    content = inner.evaluate("() => document.documentElement.scrollHeight")
    return content - frame.evaluate("f => f.clientHeight")


def _sized(page):
    # The script has set the iframe's height from the widget's message (the fallback is replaced).
    page.wait_for_function(
        """fallbacks => { const f = document.querySelector('iframe[data-solidarity-embed]');
        return f && f.style.height && !fallbacks.includes(parseInt(f.style.height)); }""",
        arg=list(widgets.FALLBACK_HEIGHT.values()),
    )


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_widget_fits_its_column_sizes_itself_and_signs(
    request, device, language, statement, other_site, console
):
    page = request.getfixturevalue(device)
    page.goto(other_site("/article.html", _host_page(widgets.snippets(statement, language)["widget"])))

    _sized(page)
    frame = page.locator("iframe[data-solidarity-embed]")
    box = frame.bounding_box()
    viewport = page.viewport_size["width"]
    assert box["width"] <= min(viewport - 32, widgets.MAX_WIDTH) + 0.5
    assert box["width"] >= min(viewport - 32, widgets.MAX_WIDTH) - 0.5
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport  # no sideways scroll
    assert _frame_overflow(page) <= 0
    _shot(page, f"embed-widget-{language}-{viewport}.png")

    widget = page.frame_locator("iframe[data-solidarity-embed]")
    widget.locator("input[name=name]").fill("Rosa Parks")
    widget.locator("input[name=email]").fill("rosa@example.org")
    widget.locator("select[name=country]").select_option("PE")
    widget.locator("button[type=submit]").click()

    expect(widget.get_by_role("heading", name=CHECK_EMAIL[language])).to_be_visible()
    signature = Signature.objects.get(statement=statement)
    assert (signature.source, signature.language) == (Signature.Source.EMBED, language)
    assert console.errors == []


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("kind", ["widget", "counter"])
def test_without_the_script_the_frame_still_shows_everything(request, device, kind, statement, other_site):
    page = request.getfixturevalue(device)
    snippet = widgets.snippets(statement, "es")[kind].split("<script")[0]  # a site that allows no scripts
    page.goto(other_site(f"/plain-{kind}.html", _host_page(snippet)))

    assert _frame_overflow(page) <= 0
    widget = page.frame_locator("iframe[data-solidarity-embed]")
    expect(widget.locator("button[type=submit], a.button").first).to_be_visible()
    _shot(page, f"embed-{kind}-plain-es-{page.viewport_size['width']}.png")


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_counter_shows_its_bar_and_button_whole(request, device, language, statement, other_site):
    page = request.getfixturevalue(device)
    page.goto(other_site("/counter.html", _host_page(widgets.snippets(statement, language)["counter"])))

    _sized(page)
    assert _frame_overflow(page) <= 0
    counter = page.frame_locator("iframe[data-solidarity-embed]")
    expect(counter.locator("progress")).to_be_visible()
    expect(counter.locator("a.button")).to_be_visible()
    assert (
        counter.locator("a.button")
        .get_attribute("href")
        .endswith("/es/c/peru/statement/" if language == "es" else "/c/peru/statement/")
    )
    _shot(page, f"embed-counter-{language}-{page.viewport_size['width']}.png")
