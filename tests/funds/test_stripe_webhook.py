"""Stripe's webhook with payloads signed in the test, exactly as Stripe signs them."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest

from funds import services
from funds.models import Donation, StripeEvent
from tests.funds.factories import FundFactory

pytestmark = pytest.mark.django_db

URL = "/funds/stripe/webhook/"
SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def _event(fund, event_id="evt_1", amount=2500, currency="gbp", **session):
    return {
        "id": event_id,
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "cs_test_123",
                "payment_status": "paid",
                "amount_total": amount,
                "currency": currency,
                "client_reference_id": str(fund.uuid),
                "customer_details": {"name": "Rosa Parks", "email": "rosa@example.org"},
                **session,
            }
        },
    }


def _post(client, event, secret=SECRET, timestamp=None, body=None):
    payload = body if body is not None else json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return client.post(
        URL,
        payload,
        content_type="application/json",
        headers={"stripe-signature": f"t={timestamp},v1={signature}"},
    )


def test_a_paid_checkout_becomes_an_online_donation(client, fund):
    response = _post(client, _event(fund))

    assert response.status_code == 200
    donation = Donation.objects.get()
    assert (donation.fund, donation.amount, donation.method) == (fund, Decimal("25.00"), "online")
    assert (donation.reference, donation.donor_name) == ("cs_test_123", "Rosa Parks")
    assert services.audit_trail(donation).get().actor_name == "system"


def test_the_same_event_delivered_twice_is_recorded_once(client, fund):
    event = _event(fund)

    assert _post(client, event).status_code == 200
    assert _post(client, event).status_code == 200

    assert Donation.objects.count() == 1
    assert StripeEvent.objects.get().donation == Donation.objects.get()


def test_a_bad_signature_is_refused_and_nothing_recorded(client, fund):
    response = _post(client, _event(fund), secret="whsec_someone_else")

    assert response.status_code == 400
    assert not Donation.objects.exists()
    assert not StripeEvent.objects.exists()


def test_a_tampered_body_is_refused(client, fund):
    event = _event(fund)
    timestamp = int(time.time())
    payload = json.dumps(event).encode()
    signature = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    tampered = payload.replace(b"2500", b"9900")

    response = client.post(
        URL,
        tampered,
        content_type="application/json",
        headers={"stripe-signature": f"t={timestamp},v1={signature}"},
    )

    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_an_old_signature_is_refused(client, fund):
    response = _post(client, _event(fund), timestamp=int(time.time()) - 3600)

    assert response.status_code == 400


def test_a_missing_signature_is_refused(client, fund):
    response = client.post(URL, json.dumps(_event(fund)), content_type="application/json")

    assert response.status_code == 400


def test_a_signed_body_that_is_not_json_is_refused_without_a_500(client, fund):
    assert _post(client, None, body=b"not json").status_code == 400


def test_other_event_types_are_acknowledged_and_ignored(client, fund):
    response = _post(client, {**_event(fund), "type": "customer.created"})

    assert response.status_code == 200
    assert not Donation.objects.exists()


def test_an_unpaid_session_records_nothing(client, fund):
    _post(client, _event(fund, payment_status="unpaid"))

    assert not Donation.objects.exists()


def test_a_payment_in_another_currency_is_not_recorded(client, fund):
    _post(client, _event(fund, currency="usd"))

    assert not Donation.objects.exists()


def test_zero_decimal_currencies_are_not_divided_by_100(client):
    fund = FundFactory(currency="JPY")

    _post(client, _event(fund, amount=5000, currency="jpy"))

    assert Donation.objects.get().amount == Decimal("5000")


def test_the_webhook_is_off_without_a_secret(client, fund, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert _post(client, _event(fund)).status_code == 404


def test_a_stripe_payment_link_is_told_which_fund(fund):
    fund.payment_url = "https://buy.stripe.com/test_abc"

    assert fund.donate_url == f"https://buy.stripe.com/test_abc?client_reference_id={fund.uuid}"
