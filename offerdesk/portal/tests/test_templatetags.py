"""Money, dates and day counts as the user's locale writes them; money never without its currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from offerdesk.portal.templatetags.portal import day, days_left, money, when


def test_money_always_carries_its_currency() -> None:
    assert money(Decimal("75000"), "USD") == "$75,000.00"
    assert money("2493702.5", "INR") == "₹2,493,702.50"
    assert money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert money(None) == ""


def test_money_follows_the_active_language() -> None:
    with translation.override("de"):
        assert money(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"


def test_days_and_moments() -> None:
    assert day(dt.date(2024, 2, 28)) == "Feb 28, 2024"
    with translation.override("fr"):
        assert day(dt.date(2024, 2, 28)) == "28 févr. 2024"
    # 17:30 UTC is 09:30 in the program time zone (America/Los_Angeles, PST)
    assert when(dt.datetime(2024, 2, 28, 17, 30, tzinfo=dt.UTC)) == "Feb 28, 2024, 9:30:00\u202fAM"


def test_days_left_reads_as_words() -> None:
    assert [days_left(n) for n in (5, 1, 0, -1, -3)] == [
        "5 days left",
        "1 day left",
        "due today",
        "1 day overdue",
        "3 days overdue",
    ]


def test_the_filters_load_in_a_template() -> None:
    rendered = Template('{% load portal %}{{ a|money:"USD" }} by {{ d|day }}, {{ n|days_left }}').render(
        Context({"a": Decimal("5"), "d": dt.date(2024, 1, 8), "n": 2})
    )
    assert rendered == "$5.00 by Jan 8, 2024, 2 days left"
