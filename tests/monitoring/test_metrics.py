"""/metrics: the platform's figures from the database, for Prometheus only."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from outbox.models import OutboxMessage
from petitions.models import Signature
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-metrics-token"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        sample.name + "".join(f"[{v}]" for v in sample.labels.values()): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_nobody_may_read_them_until_a_token_or_address_is_set(client):
    response = client.get("/metrics")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "authorization", ["", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"]
)
def test_a_wrong_token_gets_the_same_404(client, token, authorization):
    response = client.get("/metrics", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 404


def test_an_allowed_network_may_read_them_without_a_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "192.0.2.7"]

    assert client.get("/metrics", REMOTE_ADDR="10.3.4.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.8").status_code == 404


def test_a_forged_forwarded_for_does_not_open_them(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")

    assert response.status_code == 404


def test_it_counts_signatures_confirmations_and_the_tally_lag(client, token, statement):
    SignatureFactory.create_batch(2, statement=statement)
    ConfirmedSignatureFactory(statement=statement, counted=True)
    ConfirmedSignatureFactory(statement=statement, confirmed_at=timezone.now() - timedelta(seconds=40))

    figures = scrape(client)

    assert figures["campaign_signatures_total"] == 4
    assert figures["campaign_confirmations_total"] == 2
    assert figures["campaign_signatures_by_status[pending]"] == 2
    assert figures["campaign_signatures_by_status[confirmed]"] == 2
    assert figures["campaign_signatures_by_status[held]"] == 0
    assert figures["campaign_tally_uncounted"] == 1
    assert 40 <= figures["campaign_tally_lag_seconds"] < 60


def test_it_counts_mail_due_sent_and_failed(client, token):
    now = timezone.now()
    for status, due_at in [
        (OutboxMessage.Status.SENT, now),
        (OutboxMessage.Status.FAILED, now),
        (OutboxMessage.Status.PENDING, now - timedelta(seconds=90)),
        (OutboxMessage.Status.PENDING, now + timedelta(hours=1)),
    ]:
        OutboxMessage.objects.create(kind="tests.note", to="x@example.org", status=status, due_at=due_at)

    figures = scrape(client)

    assert figures["campaign_mail_sent_total"] == 1
    assert figures["campaign_mail_failed_total"] == 1
    assert figures["campaign_mail_due"] == 1
    assert figures["campaign_mail_pending"] == 2
    assert 90 <= figures["campaign_mail_lag_seconds"] < 120


def test_a_signing_request_moves_the_signature_counter(client, token, statement):
    before = scrape(client)["campaign_signatures_total"]

    client.post(
        "/c/peru/statement/",
        {"name": "Ana", "email": "ana@example.org", "country": "PE", "kind": "individual", "website": ""},
    )

    assert Signature.objects.count() == 1
    assert scrape(client)["campaign_signatures_total"] == before + 1


def test_it_counts_requests_by_route_pattern_never_by_path(client, token, db):
    client.get("/confirm/secret-token-123/")  # a forged token: 400

    figures = scrape(client)

    assert figures["campaign_http_requests_total[GET][confirm/<str:token>/][400]"] >= 1
    assert not any("secret-token-123" in name for name in figures)
    assert figures["campaign_http_request_duration_seconds_count[confirm/<str:token>/]"] >= 1
