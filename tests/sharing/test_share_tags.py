import re

import pytest

from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def _meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)"', html)
    return dict(tags)


def _assert_card(meta, title):
    for name in ("og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:image"):
        assert meta.get(name), f"{name} missing"
    assert meta["og:title"] == title
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"].startswith("http")


def test_the_statement_page_has_a_card_with_its_generated_image(client, statement, settings):
    meta = _meta(client.get(statement.get_absolute_url()).content.decode())

    _assert_card(meta, "Democracy for Peru")
    assert meta["og:image"] == f"{settings.SITE_URL}/c/peru/statement/share.png"
    assert meta["og:url"] == f"{settings.SITE_URL}/c/peru/statement/"
    assert "stand in solidarity" in meta["og:description"]


def test_the_campaign_page_has_a_card(client, campaign):
    StatementFactory(campaign=campaign)

    meta = _meta(client.get(campaign.get_absolute_url()).content.decode())

    _assert_card(meta, "Solidarity with Peru")
    assert meta["og:image"].endswith("/c/peru/share.png")


def test_the_event_page_has_a_card(client, event):
    meta = _meta(client.get(event.get_absolute_url()).content.decode())

    _assert_card(meta, "Emergency rally for Peru")


def test_the_home_page_has_the_default_card(client, db):
    meta = _meta(client.get("/").content.decode())

    _assert_card(meta, "Solidarity campaigns")
    assert meta["og:image"].endswith("/static/img/share.png")


def test_the_check_your_email_page_shares_the_statement(client, statement):
    html = client.get(f"{statement.get_absolute_url()}check-your-email/").content.decode()

    _assert_card(_meta(html), "Democracy for Peru")


def test_the_privacy_page_has_a_card(client, db):
    meta = _meta(client.get("/privacy/").content.decode())

    _assert_card(meta, "Solidarity campaigns")
