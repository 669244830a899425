"""Dates in the program time zone, calendar arithmetic and business days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import holidays
from django.utils import timezone

_clock_override: ContextVar[dt.datetime | None] = ContextVar("offerdesk_clock", default=None)


def now() -> dt.datetime:
    """The clock: nothing else in the domain reads the time. Tests freeze it; `clock_at` sets it."""
    return _clock_override.get() or timezone.now()


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run the domain as if it were `moment` (demo data, back-dated imports, replaying a day)."""
    if timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime")
    token = _clock_override.set(moment)
    try:
        yield
    finally:
        _clock_override.reset(token)


def today() -> dt.date:
    """Today's date in the program time zone."""
    return timezone.localdate(now())


def local_moment(day: dt.date | str, time: str = "12:00") -> dt.datetime:
    """A date (and time, noon unless told) in the program time zone, as an aware datetime."""
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime.combine(date, dt.time.fromisoformat(time), tzinfo=timezone.get_current_timezone())


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of a moment, in the program time zone."""
    return timezone.localdate(moment)


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months; a day that does not exist becomes the month's last day (MWS-VAL-01)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=32)
def _holidays(calendar_code: str, year: int) -> frozenset[dt.date]:
    if not calendar_code or calendar_code.lower() == "none":
        return frozenset()
    return frozenset(holidays.country_holidays(calendar_code, years=year).keys())


def is_business_day(day: dt.date, calendar_code: str) -> bool:
    """Monday to Friday, and not a holiday of the calendar (a country code such as "US", or "none")."""
    return day.weekday() < 5 and day not in _holidays(calendar_code, day.year)


def add_business_days(day: dt.date, count: int, calendar_code: str) -> dt.date:
    """The date `count` business days after `day`; `day` itself is not counted (AMB-27)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_business_day(current, calendar_code):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, calendar_code: str) -> int:
    """How many business days fall in (start, end]."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current, calendar_code):
            count += 1
    return count
