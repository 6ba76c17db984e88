import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_shows_a_fund_thermometer_and_a_short_link(client):
    call_command("demo", stdout=io.StringIO())

    page = client.get("/c/democracy-now/").content.decode()
    assert "£3,526 raised" in page
    assert "£14,474 to go" in page
    assert client.get("/s/democracy")["Location"].startswith("/c/democracy-now/solidarity-statement/")


def test_running_the_demo_again_does_not_add_donations_twice(client):
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())

    assert "£3,526 raised" in client.get("/c/democracy-now/").content.decode()
