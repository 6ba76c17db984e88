from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from funds import services
from funds.models import Donation
from tests.funds.factories import DonationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, moderator):
    client.force_login(moderator)
    return client


def test_a_moderator_records_a_donation_and_it_is_audited(admin_client, fund):
    response = admin_client.post(
        "/admin/funds/donation/add/",
        {
            "fund": fund.pk,
            "amount": "120.00",
            "received_on": "2026-03-01",
            "method": "collection",
            "reference": "Rally 1 March",
            "donor_name": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    donation = Donation.objects.get()
    assert donation.amount == Decimal("120.00")
    assert services.audit_trail(donation).get().action == services.RECORDED


def test_a_change_in_admin_is_audited(admin_client, fund):
    donation = DonationFactory(fund=fund, amount=Decimal("10"), received_on="2026-03-01")

    admin_client.post(
        f"/admin/funds/donation/{donation.pk}/change/",
        {
            "amount": "100.00",
            "received_on": "2026-03-01",
            "method": donation.method,
            "reference": donation.reference,
            "donor_name": "",
        },
    )

    entry = services.audit_trail(donation).get()
    assert entry.details == {"amount": ["10.00", "100.00"]}


def test_nobody_can_delete_a_donation(admin_client, fund):
    donation = DonationFactory(fund=fund)

    response = admin_client.post(f"/admin/funds/donation/{donation.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_a_moderator_voids_a_donation_with_a_reason(admin_client, fund):
    donation = DonationFactory(fund=fund)

    response = admin_client.post(f"/admin/funds/donation/{donation.pk}/void/", {"reason": "Cheque bounced"})

    assert response.status_code == 302
    donation.refresh_from_db()
    assert donation.is_void
    assert services.audit_trail(donation).get().reason == "Cheque bounced"


def test_voiding_without_a_reason_is_refused(admin_client, fund):
    donation = DonationFactory(fund=fund)

    response = admin_client.post(f"/admin/funds/donation/{donation.pk}/void/", {"reason": ""})

    assert response.status_code == 400
    donation.refresh_from_db()
    assert not donation.is_void


def test_staff_without_the_change_permission_cannot_void(client, fund, django_user_model):
    donation = DonationFactory(fund=fund)
    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_donation"))
    client.force_login(viewer)

    response = client.post(f"/admin/funds/donation/{donation.pk}/void/", {"reason": "Because"})

    assert response.status_code == 403
    donation.refresh_from_db()
    assert not donation.is_void


def test_the_payment_page_must_be_https(admin_client, campaign):
    response = admin_client.post(
        "/admin/funds/fund/add/",
        {
            "campaign": campaign.pk,
            "target": "1000",
            "currency": "GBP",
            "deadline": "2026-12-31",
            "time_zone": "Europe/London",
            "payment_url": "http://donate.example.org/",
        },
    )

    assert response.status_code == 200
    assert "https://" in response.content.decode()


def test_the_change_page_shows_the_audit_trail(admin_client, fund, moderator):
    donation = services.record_donation(
        fund, moderator, amount=Decimal("9.00"), method="online", reference="R9"
    )

    response = admin_client.get(f"/admin/funds/donation/{donation.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert services.RECORDED in html
    assert "Void this donation" in html
