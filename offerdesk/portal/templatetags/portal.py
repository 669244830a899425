"""Money, dates and day counts as the user's locale writes them (Babel); money always with its currency.

`{% load portal %}` then `{{ amount|money:"USD" }}`, `{{ day|day }}`, `{{ moment|when }}`, `{{ n|days_left }}`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_percent
from django import template
from django.utils import timezone, translation

register = template.Library()


def user_locale() -> Locale:
    """The locale of the request being served (Django's active language), English when Babel does not know it."""
    language = translation.get_language() or "en-us"
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


@register.filter
def money(amount: Any, currency: str = "USD") -> str:
    """`75000` with "USD" → `$75,000.00`; with "INR" → `₹75,000.00`: always the currency, never a bare number."""
    return _number(amount, lambda value: format_currency(value, str(currency or "USD").upper(), locale=user_locale()))


def _number(raw: Any, write: Callable[[Decimal], str]) -> str:
    """A number written by `write`; nothing for nothing, and text that is no number as it is."""
    if raw is None or raw == "":
        return ""
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    return write(value)


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """A calendar date, e.g. `Feb 28, 2024`; a moment is first read in the program time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return format_date(value, format="medium", locale=user_locale())


@register.filter
def when(value: dt.datetime | None) -> str:
    """A moment in the program time zone, e.g. `Feb 28, 2024, 9:30:00 AM`."""
    if value is None or value == "":
        return ""
    return format_datetime(
        timezone.localtime(value), format="medium", tzinfo=timezone.get_current_timezone(), locale=user_locale()
    )


@register.filter
def days_left(value: int | None) -> str:
    """`5` → `5 days left`, `1` → `1 day left`, `0` → `due today`, `-2` → `2 days overdue`."""
    if value is None or value == "":
        return ""
    n = int(value)
    if n == 0:
        return "due today"
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    return f"{n} day{'s' if n != 1 else ''} left"


@register.filter
def percent(value: Any) -> str:
    """A share as the user's locale writes a percentage: `0.595` → `59.5%` (to four decimals: 59.9995% is not 60%)."""
    return _number(value, lambda share: format_percent(share, format="#,##0.####%", locale=user_locale()))
