"""The widget embedded in a page of another site (another origin and another site: 127.0.0.1 vs
localhost), signed from there in a real Chromium, with third-party cookies as the browser treats them."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from petitions.models import Signature
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statement(transactional_db):
    return StatementFactory(campaign__slug="peru", slug="statement", title="Democracy for Peru", target=100)


@pytest.fixture
def newspaper(live_server, other_site):
    """A page on another site that embeds what the test asks for, as a newspaper would."""

    def embed(path: str, src: str) -> str:
        return other_site(
            path,
            '<!doctype html><html><head><title>News</title><link rel="icon" href="data:,"></head>'
            "<body><h1>Today's news</h1>"
            f'<iframe id="widget" src="{live_server.url}{src}" title="Sign" width="420" height="900">'
            "</iframe>"
            "</body></html>",
        )

    return embed


def _frame(page):
    page.wait_for_selector("#widget")
    return page.frame_locator("#widget")


def test_it_signs_from_a_page_on_another_site(laptop, statement, newspaper, console):
    laptop.goto(newspaper("/article.html", f"{statement.get_absolute_url()}embed/"))

    frame = _frame(laptop)
    expect(frame.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    frame.get_by_role("textbox", name="Your name", exact=True).fill("Rosa Parks")
    frame.get_by_role("textbox", name="Email", exact=True).fill("rosa@example.org")
    frame.get_by_role("combobox", name="Country", exact=True).select_option(label="Peru")
    frame.get_by_role("button", name="Sign", exact=True).click()

    expect(frame.get_by_role("heading", name="Check your email")).to_be_visible()
    signature = Signature.objects.get(statement=statement)
    assert signature.source == Signature.Source.EMBED
    assert signature.status == Signature.Status.PENDING
    # The embedding page is recorded as where the signer came from.
    assert signature.referrer.startswith("http://")
    assert urlsplit(signature.referrer).port == urlsplit(laptop.url).port
    # No CSP violation or script error in the widget (frame-ancestors, inline code).
    assert console.errors == []


def test_it_refuses_a_forged_token_from_the_embedding_page(laptop, statement, newspaper):
    laptop.goto(newspaper("/forged.html", f"{statement.get_absolute_url()}embed/"))
    frame = _frame(laptop)
    frame.get_by_role("textbox", name="Your name", exact=True).fill("Mallory")
    frame.get_by_role("textbox", name="Email", exact=True).fill("mallory@example.org")
    frame.get_by_role("combobox", name="Country", exact=True).select_option(label="Peru")
    widget = next(f for f in laptop.frames if "/embed/" in f.url)
    widget.eval_on_selector("input[name=form_token]", "input => { input.value = 'forged' }")

    with laptop.expect_response(re.compile(r"/embed/$")) as answer:
        frame.get_by_role("button", name="Sign", exact=True).click()

    assert answer.value.status == 403
    expect(frame.get_by_role("alert")).to_contain_text("expired")
    assert not Signature.objects.exists()


def test_the_counter_shows_in_the_other_sites_page(laptop, statement, newspaper, console):
    laptop.goto(newspaper("/counter.html", f"{statement.get_absolute_url()}embed/counter/"))

    frame = _frame(laptop)
    expect(frame.locator("[data-count]")).to_have_text("0")
    expect(frame.locator("progress")).to_be_visible()
    assert console.errors == []


def test_the_statement_page_itself_cannot_be_framed(laptop, statement, newspaper):
    laptop.goto(newspaper("/framed.html", statement.get_absolute_url()))
    laptop.wait_for_timeout(500)

    frame = next((f for f in laptop.frames if f != laptop.main_frame), None)
    assert frame is not None
    # Chromium replaces a refused frame by its error page: the statement never renders there.
    assert frame.url.startswith("chrome-error://")
    assert "Democracy for Peru" not in frame.content()


def test_the_campaign_page_shows_the_fund_without_csp_violations(laptop, statement, console):
    from decimal import Decimal

    from tests.funds.factories import FundFactory

    FundFactory(campaign=statement.campaign, raised=Decimal("3526"))
    laptop.goto(statement.campaign.get_absolute_url())

    expect(laptop.locator(".fund-figures")).to_contain_text("£3,526 raised")
    expect(laptop.locator("progress.fund-progress")).to_have_attribute("value", "19")
    expect(laptop.get_by_role("link", name="Donate today")).to_have_attribute(
        "href", "https://donate.example.org/peru"
    )
    assert console.errors == []
