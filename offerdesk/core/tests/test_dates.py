"""Dates: the injectable clock, calendar months with end-of-month clamp, and business days."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from offerdesk.core import dates

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


# ------------------------------------------------------------------------------------------ the clock


def test_clock_at_sets_the_domain_clock_and_restores_it() -> None:
    # Given the real clock frozen at one moment and an override at another
    frozen = dt.datetime(2024, 3, 1, 18, 0, tzinfo=dt.UTC)
    override = dt.datetime(2023, 9, 1, 12, 0, tzinfo=LA)
    with time_machine.travel(frozen, tick=False):
        # When the domain runs inside clock_at; Then it sees the override, and the frozen clock after
        with dates.clock_at(override):
            assert dates.now() == override
            assert dates.today() == dt.date(2023, 9, 1)
        assert dates.now() == frozen


def test_clock_at_nests_and_unwinds() -> None:
    outer = dt.datetime(2024, 1, 1, 12, tzinfo=LA)
    inner = dt.datetime(2024, 2, 1, 12, tzinfo=LA)
    with dates.clock_at(outer):
        with dates.clock_at(inner):
            assert dates.today() == dt.date(2024, 2, 1)
        assert dates.today() == dt.date(2024, 1, 1)


def test_clock_at_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"), dates.clock_at(dt.datetime(2024, 1, 1, 12)):
        pass  # pragma: no cover


def test_today_is_the_date_in_the_program_time_zone() -> None:
    # Given 02:00 UTC on 1 March 2024, which is still 29 February in Los Angeles
    with time_machine.travel(dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        # Then today is 29 February
        assert dates.today() == dt.date(2024, 2, 29)
    assert dates.local_date(dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)) == dt.date(2024, 3, 1)


# ---------------------------------------------------------------------------------------- calendar


@given(day=DAYS, months=st.integers(min_value=0, max_value=120))
def test_add_months_lands_in_the_right_month_and_clamps_to_its_end(day: dt.date, months: int) -> None:
    # When months are added to a day
    result = dates.add_months(day, months)
    # Then it lands `months` calendar months later, on the same day or the month's last day if shorter
    assert (result.year - day.year) * 12 + result.month - day.month == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        ("2023-08-31", "2024-02-29"),  # AT-M06: leap-year February
        ("2024-08-31", "2025-02-28"),
        ("2023-12-31", "2024-06-30"),  # AT-M07
        ("2023-10-15", "2024-04-15"),  # AT-M05
        ("2024-03-31", "2024-09-30"),
    ],
)
def test_six_months_after_issue(issued: str, expires: str) -> None:
    assert dates.add_months(dt.date.fromisoformat(issued), 6) == dt.date.fromisoformat(expires)


@given(day=DAYS)
def test_end_of_month_is_the_last_day_of_the_same_month(day: dt.date) -> None:
    last = dates.end_of_month(day)
    assert (last.year, last.month) == (day.year, day.month)
    assert (last + dt.timedelta(days=1)).day == 1


# ----------------------------------------------------------------------------------- business days


@settings(deadline=None)  # the first call for a year builds its holiday calendar
@given(day=DAYS, count=st.integers(min_value=1, max_value=30))
def test_add_business_days_counts_only_business_days(day: dt.date, count: int) -> None:
    # When N business days are added (the start not counted)
    result = dates.add_business_days(day, count, "US")
    # Then the result is a business day after the start, and exactly N business days lie in (start, result]
    assert result > day
    assert dates.is_business_day(result, "US")
    assert dates.business_days_between(day, result, "US") == count


@given(day=DAYS, count=st.integers(min_value=1, max_value=30))
def test_without_holidays_business_days_are_weekdays(day: dt.date, count: int) -> None:
    result = dates.add_business_days(day, count, "none")
    weekdays = sum(1 for n in range(1, (result - day).days + 1) if (day + dt.timedelta(days=n)).weekday() < 5)
    assert weekdays == count
    assert result.weekday() < 5


@pytest.mark.parametrize(
    ("day", "calendar_code", "business"),
    [
        ("2024-07-04", "US", False),  # Independence Day
        ("2024-07-04", "none", True),
        ("2024-07-05", "US", True),
        ("2024-07-06", "US", False),  # Saturday
        ("2024-07-07", "US", False),  # Sunday
        ("2023-12-25", "US", False),
        ("2024-11-28", "US", False),  # Thanksgiving
    ],
)
def test_is_business_day(day: str, calendar_code: str, business: bool) -> None:
    assert dates.is_business_day(dt.date.fromisoformat(day), calendar_code) is business


@pytest.mark.parametrize(
    ("submitted", "count", "due"),
    [
        ("2024-03-08", 2, "2024-03-12"),  # AT-C23: Friday + 2 → Tuesday
        ("2024-03-08", 3, "2024-03-13"),  # AT-M41
        ("2024-03-04", 3, "2024-03-07"),  # AT-M41
        ("2024-07-03", 1, "2024-07-05"),  # skips 4 July
        ("2024-07-03", 2, "2024-07-08"),
        ("2024-07-06", 0, "2024-07-06"),  # zero days: the day itself, even a Saturday
    ],
)
def test_add_business_days_examples(submitted: str, count: int, due: str) -> None:
    assert dates.add_business_days(dt.date.fromisoformat(submitted), count, "US") == dt.date.fromisoformat(due)


def test_business_days_between_counts_the_half_open_range() -> None:
    friday, monday = dt.date(2024, 3, 8), dt.date(2024, 3, 11)
    assert dates.business_days_between(friday, monday, "US") == 1
    assert dates.business_days_between(monday, monday, "US") == 0
    assert dates.business_days_between(monday, friday, "US") == 0
    assert dates.business_days_between(dt.date(2024, 7, 3), dt.date(2024, 7, 5), "US") == 1
