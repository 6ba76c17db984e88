"""The statement page that every anonymous visitor shares, in a real Chromium.

No CSRF token in it: signing works without JavaScript at a phone's and a laptop's width; another
site's form that posts to it is refused, as Chromium sends it (Origin, Sec-Fetch-Site); and the page's
script records the external referrer the shared page cannot carry.
Set SCREENSHOT_DIR to keep the screenshots.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from petitions.models import Signature

from .conftest import LAPTOP, PHONE, _new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("device", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_it_signs_without_javascript(browser, live_server, console, demo_statement, device):
    context, page = _new_page(browser, live_server, console, java_script_enabled=False, **device)
    width = device["viewport"]["width"]
    try:
        response = page.goto(demo_statement.get_absolute_url())
        assert response.headers["cache-control"].startswith("public")
        assert "set-cookie" not in response.headers
        assert context.cookies() == []
        _shot(page, f"shared-statement-nojs-{width}.png")

        page.get_by_role("textbox", name="Your name", exact=True).fill("Rosa Parks")
        page.get_by_role("textbox", name="Email", exact=True).fill(f"nojs-{width}@example.org")
        page.get_by_role("combobox", name="Country", exact=True).select_option(label="Peru")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign", exact=True).click()

        assert navigation.value.status == 200
        expect(page).to_have_url(re.compile(r"/check-your-email/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        _shot(page, f"shared-statement-nojs-signed-{width}.png")
        signature = Signature.objects.get(email_normalized=f"nojs-{width}@example.org")
        assert signature.status == Signature.Status.PENDING
        assert signature.fill_ms is not None  # the page's start time came back
    finally:
        context.close()
    assert console.errors == []


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_another_sites_form_cannot_make_the_browser_sign(
    request, device, demo_statement, live_server, other_site
):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    target = live_server.url + demo_statement.get_absolute_url()
    attack = other_site(
        "/attack.html",
        f"""<!doctype html><meta name="referrer" content="no-referrer"><title>Win a prize</title>
        <form method="post" action="{target}"><input name="name" value="Victim">
        <input name="email" value="victim-{width}@example.org"><input name="country" value="PE">
        <input name="kind" value="individual"><button>Win</button></form>""",
    )
    page.goto(attack)

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Win").click()

    assert navigation.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("This form was sent from another site")
    _shot(page, f"shared-statement-cross-site-{width}.png")
    assert not Signature.objects.filter(email_normalized__startswith="victim").exists()
    # The way back leads to the page, where signing works.
    page.get_by_role("link", name="Open the page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_statement.title)


def test_the_script_records_the_site_a_visitor_came_from(laptop, demo_statement, live_server, other_site):
    target = live_server.url + demo_statement.get_absolute_url() + "?utm_source=newsletter"
    article = other_site(
        "/article.html",
        f'<!doctype html><meta name="referrer" content="unsafe-url"><a href="{target}">Read and sign</a>',
    )
    laptop.goto(article)
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Read and sign").click()

    laptop.get_by_role("textbox", name="Your name", exact=True).fill("Ana Torres")
    laptop.get_by_role("textbox", name="Email", exact=True).fill("from-news@example.org")
    laptop.get_by_role("combobox", name="Country", exact=True).select_option(label="Peru")
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Sign", exact=True).click()

    signature = Signature.objects.get(email_normalized="from-news@example.org")
    assert signature.referrer == article
    assert signature.utm_source == "newsletter"
