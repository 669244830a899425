"""Money: parsing, rounding, the 50/50 split (AMB-29) and formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerdesk.core.money import (
    CENT,
    MoneyError,
    format_local,
    format_usd,
    parse_local_money,
    parse_money,
    quantize,
    split_half,
)

CENTS = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)


@given(base=CENTS)
def test_split_half_gives_two_halves_that_add_up_to_the_base(base: Decimal) -> None:
    # Given any base to the cent; When it is split in two
    first, second = split_half(base)
    # Then the halves add up to the base exactly, the first is never the larger, and neither is negative
    assert first + second == base
    assert Decimal(0) <= first <= second
    assert second - first in (Decimal("0.00"), Decimal("0.01"))
    assert first == first.quantize(CENT) and second == second.quantize(CENT)


@pytest.mark.parametrize(
    ("base", "first", "second"),
    [
        ("33333.33", "16666.66", "16666.67"),  # AT-M03: the odd cent goes to the final payment
        ("60000.00", "30000.00", "30000.00"),  # AT-M01
        ("0.01", "0.00", "0.01"),
        ("0.00", "0.00", "0.00"),
    ],
)
def test_split_half_examples(base: str, first: str, second: str) -> None:
    assert split_half(Decimal(base)) == (Decimal(first), Decimal(second))


@given(amount=CENTS)
def test_a_formatted_amount_reads_back_as_itself(amount: Decimal) -> None:
    # Given any amount; When it is formatted as USD and read back; Then nothing is lost
    assert parse_money(format_usd(amount)) == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$75,000.00", "75000.00"),
        ("75000", "75000.00"),
        ("  $1.5 ", "1.50"),
        ("0", "0.00"),
        (Decimal("3.1"), "3.10"),
        (7, "7.00"),
    ],
)
def test_parse_money_reads_the_usual_spellings(text: str | Decimal | int, expected: str) -> None:
    value = parse_money(text)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "cannot be negative"),
        ("$-5.00", "cannot be negative"),
        (Decimal("-0.01"), "cannot be negative"),
        ("-$5", "not an amount of money"),
        ("abc", "not an amount of money"),
        ("", "not an amount of money"),
        ("$", "not an amount of money"),
        ("1.2.3", "not an amount of money"),
        ("75.000,00", "not an amount of money"),
        ("1e5", "not an amount of money"),
        ("NaN", "not an amount of money"),
        (Decimal("NaN"), "not an amount of money"),
        (Decimal("Infinity"), "not an amount of money"),
        ("1.001", "at most two decimals"),
        (Decimal("0.005"), "at most two decimals"),
    ],
)
def test_parse_money_refuses_negative_and_malformed_amounts(text: str | Decimal, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_money(text)


@given(cents=st.integers(min_value=1, max_value=10**12))
def test_every_negative_amount_is_refused(cents: int) -> None:
    # Given a negative amount, written either way; Then it is refused
    amount = -Decimal(cents) / 100
    with pytest.raises(MoneyError, match="negative"):
        parse_money(amount)
    with pytest.raises(MoneyError, match="negative"):
        parse_money(str(amount))


@given(
    whole=st.integers(min_value=0, max_value=10**9),
    fraction=st.integers(min_value=1, max_value=9).map(str),
    decimals=st.integers(min_value=3, max_value=6),
)
def test_a_fraction_of_a_cent_is_refused(whole: int, fraction: str, decimals: int) -> None:
    # Given an amount whose last (non-zero) digit is below the cent
    text = f"{whole}." + "0" * (decimals - 1) + fraction
    with pytest.raises(MoneyError, match="two decimals"):
        parse_money(text)


def test_quantize_rounds_half_up_to_the_cent() -> None:
    assert quantize(Decimal("0.005")) == Decimal("0.01")
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("2.674")) == Decimal("2.67")
    assert quantize(12) == Decimal("12.00")


def test_local_amounts_read_and_print_with_their_currency() -> None:
    # AT-C32: $30,000.00 at 83.1234 INR per USD
    assert parse_local_money("INR 2,493,702.00") == ("INR", Decimal("2493702.00"))
    assert format_local(Decimal("30000") * Decimal("83.1234"), "INR") == "INR 2,493,702.00"
    assert format_usd(Decimal("1234567.5")) == "$1,234,567.50"
    with pytest.raises(MoneyError, match="not a local amount"):
        parse_local_money("2,493,702.00")


def test_an_amount_in_another_currency_is_not_read_as_dollars() -> None:
    # Given a face value typed in euros; When it is read as USD; Then it is refused, not taken as dollars
    with pytest.raises(MoneyError):
        parse_money("EUR 75,000.00")


def test_misplaced_thousands_separators_are_refused() -> None:
    # Given a European-style "75,00" (seventy-five); Then it is refused rather than read as 7,500
    with pytest.raises(MoneyError):
        parse_money("75,00")
