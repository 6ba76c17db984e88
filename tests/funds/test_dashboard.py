from decimal import Decimal

import pytest

from campaigns.models import Membership, Role
from funds import services
from funds.models import Donation, Fund
from safety.models import AuditEntry
from tests.funds.factories import DonationFactory
from tests.organisers.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_bob(client, campaign):
    bob = make_user("bob@example.org")
    Membership.objects.create(campaign=campaign, user=bob, role=Role.ORGANISER)
    client.force_login(bob)
    client.user = bob
    return client


@pytest.fixture
def as_charlie(client, db):
    # An organiser of some other campaign.
    client.force_login(make_user("charlie@example.org"))
    return client


DONATION = {
    "amount": "250.00",
    "received_on": "2026-03-01",
    "method": "bank",
    "reference": "TRF 991",
    "donor_name": "",
}


def test_an_organiser_starts_a_fund(as_bob, campaign):
    response = as_bob.post(
        "/dashboard/c/peru/fund/settings/",
        {
            "target": "18000",
            "currency": "gbp",
            "deadline": "2026-12-31",
            "time_zone": "America/Lima",
            "payment_url": "https://donate.example.org/peru",
        },
    )

    assert response.status_code == 303
    fund = Fund.objects.get(campaign=campaign)
    assert (fund.currency, fund.time_zone) == ("GBP", "America/Lima")


def test_it_refuses_a_payment_page_that_is_not_https(as_bob, campaign):
    response = as_bob.post(
        "/dashboard/c/peru/fund/settings/",
        {
            "target": "100",
            "currency": "GBP",
            "deadline": "2026-12-31",
            "time_zone": "UTC",
            "payment_url": "javascript:alert(1)",
        },
    )

    assert response.status_code == 400
    assert not Fund.objects.exists()


def test_an_organiser_records_a_donation_and_it_is_audited(as_bob, fund):
    response = as_bob.post("/dashboard/c/peru/fund/donations/", DONATION)

    assert response.status_code == 303
    donation = Donation.objects.get()
    assert donation.amount == Decimal("250.00")
    assert donation.recorded_by == as_bob.user
    assert services.audit_trail(donation).get().actor == as_bob.user


def test_a_bad_amount_is_shown_next_to_the_field(as_bob, fund):
    response = as_bob.post("/dashboard/c/peru/fund/donations/", {**DONATION, "amount": "-5"})

    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_an_organiser_voids_a_donation_with_a_reason(as_bob, fund):
    donation = DonationFactory(fund=fund)

    response = as_bob.post(f"/dashboard/c/peru/fund/donations/{donation.uuid}/void/", {"reason": "Bounced"})

    assert response.status_code == 303
    donation.refresh_from_db()
    assert donation.is_void


def test_voiding_without_a_reason_is_refused(as_bob, fund):
    donation = DonationFactory(fund=fund)

    response = as_bob.post(f"/dashboard/c/peru/fund/donations/{donation.uuid}/void/", {"reason": ""})

    assert response.status_code == 400
    donation.refresh_from_db()
    assert not donation.is_void


def test_the_page_lists_donations(as_bob, fund):
    DonationFactory(fund=fund, reference="CHQ 4711")

    response = as_bob.get("/dashboard/c/peru/fund/")

    assert response.status_code == 200
    assert "CHQ 4711" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/dashboard/c/peru/fund/"),
        ("post", "/dashboard/c/peru/fund/donations/"),
        ("post", "/dashboard/c/peru/fund/settings/"),
    ],
)
def test_outsiders_get_404(as_charlie, fund, method, path):
    response = getattr(as_charlie, method)(path, DONATION)

    assert response.status_code == 404
    assert not Donation.objects.exists()


def test_an_outsider_cannot_void_another_campaigns_donation(as_charlie, fund):
    donation = DonationFactory(fund=fund)

    response = as_charlie.post(f"/dashboard/c/peru/fund/donations/{donation.uuid}/void/", {"reason": "x"})

    assert response.status_code == 404
    donation.refresh_from_db()
    assert not donation.is_void


def test_anonymous_visitors_are_sent_to_log_in(client, fund):
    response = client.get("/dashboard/c/peru/fund/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_changing_the_fund_is_audited(as_bob, fund):
    as_bob.post(
        "/dashboard/c/peru/fund/settings/",
        {
            "target": "20000",
            "currency": "GBP",
            "deadline": fund.deadline.isoformat(),
            "time_zone": fund.time_zone,
            "payment_url": fund.payment_url,
        },
    )

    entry = AuditEntry.objects.get(object_type="fund", object_id=str(fund.uuid))
    assert entry.action == "change fund"
    assert entry.details == {"target": ["18000.00", "20000"]}
    assert entry.actor_name == "bob"
