"""Language in the URL in a real Chromium, at a phone's and a laptop's width: the switch keeps the
page (and its place in the site), the Spanish page is Spanish through and through (campaign, event,
fund in euros or pounds as CLDR writes them), and the progress bar shows from the first signature."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import CampaignTranslation
from events.models import EventTranslation
from funds.models import Donation, Fund
from petitions.models import Statement, StatementTranslation
from tests.events.factories import EventFactory
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def statement(transactional_db):
    statement = StatementFactory(
        campaign__slug="peru",
        campaign__title="Solidarity with Peru",
        slug="statement",
        title="Democracy for Peru",
        target=5000,
    )
    Statement.objects.filter(pk=statement.pk).update(signature_count=5)
    campaign = statement.campaign
    CampaignTranslation.objects.create(
        campaign=campaign, language="es", title="Solidaridad con el Perú", summary="Firme y done."
    )
    StatementTranslation.objects.create(
        statement=statement, language="es", title="Democracia para el Perú", body="Texto"
    )
    event = EventFactory(campaign=campaign, slug="rally", title="Emergency rally")
    EventTranslation.objects.create(
        event=event, language="es", title="Mitin de emergencia", description="En línea."
    )
    fund = Fund.objects.create(
        campaign=campaign,
        target=Decimal("18000"),
        currency="GBP",
        deadline=(timezone.now() + timedelta(days=28)).date(),
    )
    Donation.objects.create(fund=fund, amount=Decimal("3526"), method=Donation.Method.BANK_TRANSFER)
    from funds import services as funds

    funds.tally(fund.pk)
    return Statement.objects.get(pk=statement.pk)


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_the_switch_keeps_the_page_and_the_spanish_page_is_spanish(request, device, statement, console):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    page.goto("/c/peru/")
    expect(page.locator("h1")).to_have_text("Solidarity with Peru")
    expect(page.locator(".fund-figures")).to_contain_text("£3,526 raised")
    _shot(page, f"lang-campaign-en-{width}.png")

    page.get_by_role("link", name="ES", exact=True).click()

    expect(page).to_have_url(f"{page.url.split('/c/')[0].split('/es')[0]}/es/c/peru/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Solidaridad con el Perú")
    expect(page.locator(".fund-figures")).to_contain_text("3.526\xa0£ recaudados")
    expect(page.get_by_role("link", name="Mitin de emergencia")).to_be_visible()
    alternates = page.locator('link[rel="alternate"][hreflang]')
    expect(alternates).to_have_count(3)
    _shot(page, f"lang-campaign-es-{width}.png")

    page.get_by_role("link", name="Democracia para el Perú").click()
    expect(page).to_have_url(f"{page.url.split('/es/')[0]}/es/c/peru/statement/")
    expect(page.get_by_role("link", name="Solidaridad con el Perú")).to_be_visible()
    _shot(page, f"lang-statement-es-{width}.png")

    page.get_by_role("link", name="EN", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/c/')[0]}/c/peru/statement/")
    expect(page.locator("h1")).to_have_text("Democracy for Peru")
    assert console.errors == []


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_progress_bar_shows_five_of_five_thousand(request, device, language, statement):
    page = request.getfixturevalue(device)
    page.goto(("/es" if language == "es" else "") + "/c/peru/statement/")

    bar = page.locator(".counter-panel progress")
    expect(bar).to_have_attribute("value", "2")
    # The filled part is drawn: at least a few pixels of the bar's width.
    filled = bar.evaluate("p => p.getBoundingClientRect().width * p.position")
    assert filled >= 4
    _shot(page, f"progress-{language}-{page.viewport_size['width']}.png")
