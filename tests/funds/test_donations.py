import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds import services
from funds.models import Donation

pytestmark = pytest.mark.django_db


def _record(fund, actor, **overrides):
    data = {
        "amount": Decimal("50.00"),
        "received_on": datetime.date(2026, 3, 1),
        "method": Donation.Method.CHEQUE,
        "reference": "CHQ 000123",
        "donor_name": "Unite branch 42",
    }
    return services.record_donation(fund, actor, **{**data, **overrides})


def test_it_records_a_donation_and_audits_it(fund, moderator):
    donation = _record(fund, moderator)

    entry = services.audit_trail(donation).get()
    assert entry.action == services.RECORDED
    assert entry.actor == moderator
    assert entry.actor_name == "mod"
    assert entry.object_repr == "50.00 GBP Cheque CHQ 000123"
    assert entry.details["amount"] == "50.00"
    assert entry.details["method"] == "cheque"
    assert donation.recorded_by == moderator


def test_it_rejects_a_zero_or_negative_amount(fund, moderator):
    with pytest.raises(ValidationError):
        _record(fund, moderator, amount=Decimal("0"))
    assert not Donation.objects.exists()


def test_it_audits_each_changed_field_before_and_after(fund, moderator):
    donation = _record(fund, moderator)

    services.change_donation(
        donation, moderator, reason="typo", amount=Decimal("500.00"), reference="CHQ 000123"
    )

    entry = services.audit_trail(donation).filter(action=services.CHANGED).get()
    assert entry.details == {"amount": ["50.00", "500.00"]}
    assert entry.reason == "typo"


def test_a_change_that_changes_nothing_is_not_audited(fund, moderator):
    donation = _record(fund, moderator)

    services.change_donation(donation, moderator, amount=Decimal("50.00"))

    assert services.audit_trail(donation).count() == 1


def test_it_voids_with_a_reason_and_keeps_the_row(fund, moderator):
    donation = _record(fund, moderator)

    assert services.void_donation(donation, moderator, "Cheque bounced")

    donation.refresh_from_db()
    assert donation.is_void
    assert donation.void_reason == "Cheque bounced"
    assert donation.voided_by == moderator
    entry = services.audit_trail(donation).filter(action=services.VOIDED).get()
    assert entry.reason == "Cheque bounced"


def test_voiding_needs_a_reason(fund, moderator):
    donation = _record(fund, moderator)

    with pytest.raises(ValidationError):
        services.void_donation(donation, moderator, "  ")
    donation.refresh_from_db()
    assert not donation.is_void


def test_voiding_twice_does_nothing_more(fund, moderator):
    donation = _record(fund, moderator)
    services.void_donation(donation, moderator, "Duplicate entry")

    assert not services.void_donation(donation, moderator, "Again")

    assert services.audit_trail(donation).filter(action=services.VOIDED).count() == 1


def test_a_void_donation_cannot_be_changed(fund, moderator):
    donation = _record(fund, moderator)
    services.void_donation(donation, moderator, "Duplicate entry")

    with pytest.raises(ValidationError):
        services.change_donation(donation, moderator, amount=Decimal("1.00"))
