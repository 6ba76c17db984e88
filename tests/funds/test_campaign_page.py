import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from funds.models import Fund
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def page(campaign):
    StatementFactory(campaign=campaign)
    return campaign.get_absolute_url()


def _fund(campaign, **kwargs):
    today = timezone.localtime(timezone.now(), datetime.UTC).date()
    data = {
        "campaign": campaign,
        "target": Decimal("18000"),
        "raised": Decimal("3526"),
        "currency": "GBP",
        "deadline": today + datetime.timedelta(days=28),
        "time_zone": "UTC",
        "payment_url": "https://donate.example.org/peru",
    }
    return Fund.objects.create(**{**data, **kwargs})


def test_it_shows_the_thermometer(client, campaign, page):
    _fund(campaign)

    response = client.get(page)

    assert "£3,526 raised — £14,474 to go — 28 days remaining" in _text(response)
    assert '<progress class="fund-progress" max="100" value="19"' in response.content.decode()


def test_it_formats_amounts_for_spanish_visitors(client, campaign, page):
    _fund(campaign, currency="EUR")

    response = client.get("/es" + page)

    assert "3.526\xa0€" in response.content.decode()
    assert "14.474\xa0€" in response.content.decode()


def test_it_links_donate_today_to_the_payment_page(client, campaign, page):
    _fund(campaign)

    response = client.get(page)

    assert 'href="https://donate.example.org/peru"' in response.content.decode()
    assert "Donate today" in _text(response)


def test_after_the_deadline_the_appeal_has_closed(client, campaign, page):
    _fund(campaign, deadline=datetime.date(2020, 1, 31))

    response = client.get(page)

    text = _text(response)
    assert "the appeal has closed" in text
    assert "Donate today" not in text


def test_a_campaign_without_a_fund_shows_no_thermometer(client, page):
    response = client.get(page)

    assert response.status_code == 200
    assert "Fighting fund" not in _text(response)
