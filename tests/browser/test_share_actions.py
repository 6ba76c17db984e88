"""Share actions in a real Chromium at a phone's and a laptop's width, in English and Spanish: the
buttons are there on the statement, campaign and check-your-email pages, "Copy link" copies the
channel's link, and on a phone with a share sheet the Share button hands it the link."""

import os

import pytest
from playwright.sync_api import expect

from petitions.models import StatementTranslation
from sharing.models import ShortLink
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PREFIX = {"en": "", "es": "/es"}
COPY = {"en": "Copy link", "es": "Copiar enlace"}


@pytest.fixture
def statement(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url
    statement = StatementFactory(
        campaign__slug="peru", slug="statement", title="Democracy for Peru", target=100
    )
    StatementTranslation.objects.create(
        statement=statement, language="es", title="Democracia para el Perú", body="Texto"
    )
    ShortLink.objects.create(slug="peru", statement=statement)
    return statement


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/c/peru/statement/", "/c/peru/", "/c/peru/statement/check-your-email/"])
def test_share_actions_are_on_the_page(request, device, language, path, statement, console):
    page = request.getfixturevalue(device)
    page.goto(PREFIX[language] + path)

    actions = page.locator(".share-actions")
    expect(actions).to_be_visible()
    for name in ("WhatsApp", "Telegram", "X", "Facebook"):
        expect(actions.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(actions.get_by_role("button", name=COPY[language])).to_be_visible()
    whatsapp = actions.get_by_role("link", name="WhatsApp").get_attribute("href")
    assert "utm_source%3Dwhatsapp" in whatsapp
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert console.errors == []
    _shot(page, f"share{path.replace('/', '-').rstrip('-')}-{language}-{page.viewport_size['width']}.png")


def test_copy_link_copies_the_short_link_marked_as_copied(laptop, statement):
    laptop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    laptop.goto("/es/c/peru/statement/")

    laptop.get_by_role("button", name="Copiar enlace").click()

    expect(laptop.get_by_role("button", name="Enlace copiado")).to_be_visible()
    copied = laptop.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith("/es/s/peru?utm_source=copy")


def test_a_phone_with_a_share_sheet_gets_the_share_button(phone, statement):
    # Debian's Chromium has no share sheet on Linux: stand in for the phone's, recording what it gets.
    phone.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    phone.goto("/c/peru/statement/")

    phone.get_by_role("button", name="Share…").click()

    shared = phone.evaluate("() => window.shared")
    assert shared["url"].endswith("/s/peru?utm_source=share")
    assert shared["title"] == "Democracy for Peru"


def test_a_laptop_without_a_share_sheet_has_no_share_button(laptop, statement):
    laptop.goto("/c/peru/statement/")

    expect(laptop.get_by_role("button", name="Share…")).to_be_hidden()
