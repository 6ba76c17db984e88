import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from funds.services import format_money, summary
from tests.funds.factories import FundFactory

UTC = datetime.UTC


def _fund(**kwargs):
    # Built, not saved: the summary is pure arithmetic and formatting.
    return FundFactory.build(**kwargs)


def test_it_formats_pounds_for_english_readers():
    assert format_money(Decimal("3526"), "GBP", "en") == "£3,526"
    assert format_money(Decimal("14474.50"), "GBP", "en") == "£14,474.50"


def test_it_formats_euros_for_spanish_readers():
    assert format_money(Decimal("3526"), "EUR", "es") == "3.526\xa0€"
    assert format_money(Decimal("14474.50"), "EUR", "es") == "14.474,50\xa0€"


def test_it_shows_the_pound_sign_to_spanish_readers_in_the_spanish_format():
    # CLDR's Spanish has no symbol of its own for the pound: the UK's is used, placed as Spanish does.
    assert format_money(Decimal("3526"), "GBP", "es") == "3.526\xa0£"
    assert format_money(Decimal("14474.50"), "GBP", "es") == "14.474,50\xa0£"


def test_it_shows_a_currency_s_home_symbol_where_the_language_has_none():
    assert format_money(Decimal("3526"), "PEN", "en") == "S/3,526"
    assert format_money(Decimal("3526"), "PEN", "es") == "3.526\xa0S/"
    assert format_money(Decimal("10"), "USD", "es") == "10\xa0US$"


def test_it_falls_back_to_the_site_language_for_an_unknown_one():
    assert format_money(Decimal("12"), "GBP", "xx-unknown") == "£12"


def test_it_shows_raised_to_go_and_days_remaining():
    now = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    fund = _fund(target=Decimal("18000"), raised=Decimal("3526"), deadline=datetime.date(2026, 3, 29))

    result = summary(fund, now=now, language="en")

    assert (result.raised, result.to_go, result.days_remaining) == ("£3,526", "£14,474", 28)
    assert result.progress_percent == 19
    assert not result.closed


def test_it_counts_days_in_the_campaigns_time_zone():
    # 23:30 UTC on 1 March: still 1 March in Lima (UTC-5), already 2 March in Tokyo (UTC+9).
    now = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    deadline = datetime.date(2026, 3, 10)

    lima = _fund(deadline=deadline, time_zone="America/Lima")
    tokyo = _fund(deadline=deadline, time_zone="Asia/Tokyo")

    assert lima.days_remaining(now) == 9
    assert tokyo.days_remaining(now) == 8


def test_it_closes_the_appeal_after_the_deadline_day_in_the_campaigns_zone():
    fund = _fund(deadline=datetime.date(2026, 3, 10), time_zone="America/Lima")
    last_minute = datetime.datetime(2026, 3, 10, 23, 59, tzinfo=ZoneInfo("America/Lima"))
    next_morning = datetime.datetime(2026, 3, 11, 0, 1, tzinfo=ZoneInfo("America/Lima"))

    assert fund.days_remaining(last_minute) == 0
    assert not fund.is_closed(last_minute)
    assert fund.is_closed(next_morning)
    assert summary(fund, now=next_morning).closed


def test_it_never_shows_a_negative_amount_to_go():
    fund = _fund(target=Decimal("100"), raised=Decimal("150"))

    result = summary(fund, language="en")

    assert result.to_go == "£0"
    assert result.target_reached
    assert result.progress_percent == 100
