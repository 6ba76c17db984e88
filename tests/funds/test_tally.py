from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds import services, tasks
from funds.models import Fund
from tests.funds.factories import DonationFactory, FundFactory

pytestmark = pytest.mark.django_db


def _raised(fund):
    return Fund.objects.get(pk=fund.pk).raised


def test_it_adds_new_donations_to_the_total(fund):
    DonationFactory(fund=fund, amount=Decimal("3000"))
    DonationFactory(fund=fund, amount=Decimal("526"))

    assert tasks.tally_all() == 1

    assert _raised(fund) == Decimal("3526")


def test_it_updates_the_fund_row_once_per_run(fund):
    for _ in range(20):
        DonationFactory(fund=fund)

    with CaptureQueriesContext(connection) as queries:
        services.tally(fund.pk)

    fund_updates = [q for q in queries if q["sql"].startswith('UPDATE "funds_fund"')]
    assert len(fund_updates) == 1
    assert _raised(fund) == Decimal("500")


def test_a_second_run_with_nothing_new_changes_nothing(fund):
    DonationFactory(fund=fund)
    services.tally(fund.pk)

    assert tasks.tally_all() == 0


def test_a_void_donation_leaves_the_total(fund, moderator):
    keep = DonationFactory(fund=fund, amount=Decimal("100"))
    bounced = DonationFactory(fund=fund, amount=Decimal("40"))
    tasks.tally_all()

    services.void_donation(bounced, moderator, "Cheque bounced")
    tasks.tally_all()

    assert _raised(fund) == keep.amount


def test_a_changed_amount_is_reflected(fund, moderator):
    donation = DonationFactory(fund=fund, amount=Decimal("10"))
    tasks.tally_all()

    services.change_donation(donation, moderator, amount=Decimal("100"))
    tasks.tally_all()

    assert _raised(fund) == Decimal("100")


def test_recount_corrects_a_total_that_was_changed_behind_its_back(fund):
    DonationFactory(fund=fund, amount=Decimal("70"))
    tasks.tally_all()
    Fund.objects.filter(pk=fund.pk).update(raised=Decimal("9999"))

    services.recount(fund.pk)

    assert _raised(fund) == Decimal("70")


def test_it_tallies_each_fund_separately(fund):
    other = FundFactory()
    DonationFactory(fund=fund, amount=Decimal("5"))
    DonationFactory(fund=other, amount=Decimal("7"))

    assert tasks.tally_all() == 2

    assert (_raised(fund), _raised(other)) == (Decimal("5"), Decimal("7"))


def test_recording_through_the_service_tallies_in_process_mode(
    fund, moderator, settings, django_capture_on_commit_callbacks
):
    # Embedded mode has no beat: recording queues the tally itself (run in-process by the tests).
    settings.TALLY_ON_CONFIRM = True

    with django_capture_on_commit_callbacks(execute=True):
        services.record_donation(fund, moderator, amount=Decimal("12.50"), method="online")

    assert _raised(fund) == Decimal("12.50")
