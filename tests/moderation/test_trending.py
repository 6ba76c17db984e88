"""The trending view: IP hashes and domains signing unusually often in the last hour, per statement."""

import pytest
from django.utils import timezone

from moderation import services
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def burst(statement, n, minutes_ago=5, **kwargs):
    created = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    return [SignatureFactory(statement=statement, created_at=created, **kwargs) for _ in range(n)]


def test_it_finds_an_ip_hash_signing_often_in_the_last_hour(statement, settings):
    settings.TRENDING_MIN_PER_IP = 5
    burst(statement, 6, ip_hash="a" * 64, email_domain="gmail.com")
    burst(statement, 4, ip_hash="b" * 64, email_domain="gmail.com")
    burst(statement, 9, minutes_ago=90, ip_hash="c" * 64)

    trends = services.trending()

    assert [(t.kind, t.value, t.count) for t in trends] == [("ip", "a" * 64, 6)]
    assert trends[0].statement == statement
    assert trends[0].share == pytest.approx(0.6)


def test_it_finds_a_domain_but_not_big_webmail(statement, settings):
    settings.TRENDING_MIN_PER_DOMAIN = 3
    burst(statement, 3, email_domain="bots.example", status="held")
    burst(statement, 5, email_domain="gmail.com")

    trends = services.trending()

    assert [(t.kind, t.value, t.count, t.held) for t in trends] == [("domain", "bots.example", 3, 3)]


def test_it_shows_trends_in_admin_with_links_to_the_signatures(moderator_client, statement, settings):
    settings.TRENDING_MIN_PER_IP = 2
    burst(statement, 3, ip_hash="d" * 64)

    response = moderator_client.get("/admin/moderation/trendingactivity/")

    assert response.status_code == 200
    html = response.content.decode()
    link = f"/admin/petitions/signature/?statement__id__exact={statement.pk}&amp;ip_hash__exact={'d' * 64}"
    assert link in html
    assert moderator_client.get(link.replace("&amp;", "&")).status_code == 200


def test_it_says_when_nothing_is_unusual(moderator_client, statement):
    response = moderator_client.get("/admin/moderation/trendingactivity/")

    assert "Nothing unusual" in response.content.decode()
