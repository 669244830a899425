"""The parsing layer (OD-IN-01): what each parser reads, and that everything else is refused by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerdesk.core import parsing
from offerdesk.core.errors import InvalidInput
from offerdesk.core.parsing import (
    INT_MAX,
    MONEY_MAX,
    parse_bool,
    parse_choice,
    parse_choices,
    parse_country,
    parse_currency,
    parse_date,
    parse_decimal,
    parse_email,
    parse_list,
    parse_moment,
    parse_money,
    parse_name,
    parse_share,
    parse_text,
    parse_whole,
)

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(),
    st.binary(),
    st.lists(st.integers() | st.text(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
)


def refused(call: Any, *args: Any, match: str | None = None, **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput, match=match) as info:
        call(*args, **kwargs)
    assert info.value.rules == ("OD-IN-01",)
    return info.value


# ---------------------------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$75,000.00", "75000.00"),
        ("75000", "75000.00"),
        ("USD 1,234.5", "1234.50"),
        (Decimal("3.1"), "3.10"),
        (7, "7.00"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_money_reads_the_usual_spellings(raw: Any, expected: str) -> None:
    assert parse_money(raw, field="value") == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (True, "not a boolean"),
        (1.0, "not a float"),
        (None, "not a NoneType"),
        ("1e5", "not an amount"),
        ("NaN", "not an amount"),
        (Decimal("NaN"), "not an amount"),
        (Decimal("Infinity"), "not an amount"),
        ("-5", "cannot be negative"),
        ("10000000000000", "at most 12 digits"),
        (10**12, "at most 12 digits"),
        ("1.001", "at most two decimals"),
        ("EUR 5", "in USD"),
        ("5" * 50, "not an amount"),
    ],
)
def test_money_refuses_what_is_not_an_amount(raw: Any, message: str) -> None:
    error = refused(parse_money, raw, field="face_value", match=message)
    assert error.message.startswith("face_value: ") and error.message.endswith("(OD-IN-01)")


def test_a_negative_amount_where_one_is_allowed() -> None:
    assert parse_money("-5.25", field="adjustment", allow_negative=True) == Decimal("-5.25")
    refused(parse_money, -(10**12), field="adjustment", allow_negative=True, match="12 digits")


@given(cents=st.integers(min_value=0, max_value=int(MONEY_MAX * 100)))
def test_every_amount_within_bounds_reads_back_exactly(cents: int) -> None:
    amount = Decimal(cents) / 100
    assert parse_money(str(amount), field="v") == amount
    assert parse_money(f"${amount:,.2f}", field="v") == amount


@given(raw=ANYTHING)
def test_money_returns_an_amount_in_bounds_or_refuses(raw: Any) -> None:
    try:
        value = parse_money(raw, field="v")
    except InvalidInput as error:
        assert "OD-IN-01" in error.message
    else:
        assert not isinstance(raw, bool | float)
        assert 0 <= value <= MONEY_MAX and value.as_tuple().exponent == -2


# --------------------------------------------------------------------------------------- whole numbers


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), ("1,200", 1200), (" 42 ", 42), (INT_MAX, INT_MAX)])
def test_whole_numbers_read(raw: Any, expected: int) -> None:
    assert parse_whole(raw, field="users") == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (True, "not a boolean"),
        (2.0, "not a float"),
        ("1e3", "must be a whole number, not"),
        ("1_000", "must be a whole number, not"),
        ("١٢", "must be a whole number, not"),  # Arabic-Indic digits: int() would read them
        (-1, "zero or more"),
        (INT_MAX + 1, "from 0 to 2,147,483,647"),
        pytest.param(10**5000, "bit number", id="huge"),
        ("9" * 30, "must be a whole number, not"),
    ],
)
def test_whole_numbers_refuse(raw: Any, message: str) -> None:
    refused(parse_whole, raw, field="users", match=message)


@given(raw=ANYTHING)
def test_a_whole_number_is_in_range_or_refused(raw: Any) -> None:
    try:
        value = parse_whole(raw, field="n")
    except InvalidInput:
        return
    assert type(value) is int and 0 <= value <= INT_MAX


# ------------------------------------------------------------------------------------------------ text


def test_text_is_stripped_and_bounded() -> None:
    assert parse_text("  Contoso  ", field="name", max_length=10) == "Contoso"
    assert parse_text("", field="reason", max_length=10, required=False) == ""
    refused(parse_text, "", field="reason", max_length=10, match="reason: is required")
    refused(parse_text, "x" * 11, field="reason", max_length=10, match="at most 10 characters, not 11")
    refused(parse_text, ["a"], field="reason", max_length=10, match="not a list")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\u2066", "\ud800"])
def test_text_refuses_control_and_direction_characters(char: str) -> None:
    refused(parse_text, f"ab{char}cd", field="reason", max_length=50, multiline=True)


def test_multiline_text_keeps_its_line_breaks_and_names_do_not() -> None:
    assert parse_text("line one\nline two", field="reason", max_length=50, multiline=True) == "line one\nline two"
    refused(parse_text, "line one\nline two", field="reason", max_length=50, match="control character U\\+000A")


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"])
def test_names_refuse_zero_width_characters(char: str) -> None:
    refused(parse_name, f"Con{char}toso", field="name", max_length=50, match="invisible character")
    assert parse_text(f"Con{char}toso", field="note", max_length=50) == f"Con{char}toso"


@given(text=st.text(max_size=300))
def test_parsed_text_is_clean(text: str) -> None:
    try:
        value = parse_name(text, field="name", max_length=200)
    except InvalidInput:
        return
    assert value and len(value) <= 200 and value == value.strip()
    assert not any(c in parsing.BIDI_CONTROLS | parsing.ZERO_WIDTH or ord(c) < 32 for c in value)


# ------------------------------------------------------------------------------- codes, choices, e-mail


def test_country_codes_come_from_the_iso_list() -> None:
    assert parse_country(" us ") == "US"
    assert parse_country("AQ") == "AQ"
    assert len(parsing.countries()) == 249
    for code in ("ZZ", "EU", "QQ", "USA", "U"):
        refused(parse_country, code, match="must be an ISO 3166-1 alpha-2")


def test_currency_codes_come_from_the_iso_list() -> None:
    assert parse_currency("inr") == "INR"
    assert {"USD", "EUR", "JPY"} <= parsing.currencies()
    for code in ("XYZ", "US", "DOLLARS", 840):
        refused(parse_currency, code, field="payout_currency")


def test_email_addresses_are_validated() -> None:
    assert parse_email(" ana@contoso.com ", field="contact") == "ana@contoso.com"
    for bad in ("ana", "ana@", "@contoso.com", "ana@contoso.com\x00", "a" * 250 + "@x.com", 5):
        refused(parse_email, bad, field="contact")


def test_a_choice_is_one_of_its_list() -> None:
    assert parse_choice(" SOW ", field="kind", choices={"SOW", "POE"}) == "SOW"
    refused(parse_choice, "sow", field="kind", choices={"SOW", "POE"}, match="must be one of POE, SOW, not 'sow'")


# ------------------------------------------------------------------------------------------------ lists


def test_a_bare_string_is_not_a_list() -> None:
    # Today "Exchange Online" became 16 one-letter workloads
    refused(parse_choices, "Exchange Online", field="workloads", choices={"Exchange Online"}, match="not a str")
    assert parse_choices(["Exchange Online"], field="workloads", choices={"Exchange Online"}) == ["Exchange Online"]


def test_list_items_are_parsed_by_name_and_bounded() -> None:
    error = refused(parse_choices, ["Teams", "Fax"], field="workloads", choices={"Teams"})
    assert error.message.startswith("workloads[1]: must be one of Teams")
    refused(parse_list, {"a": 1}, field="xs", item=parse_whole, match="not a dict")
    refused(parse_list, range(101), field="xs", item=parse_whole, match="at most 100 items")
    assert parse_list(("1", 1, "2"), field="xs", item=parse_whole) == [1, 2]


# ------------------------------------------------------------------------------------------------ dates


def test_dates_lie_in_2000_to_2100() -> None:
    assert parse_date("2024-05-07", field="close_date") == dt.date(2024, 5, 7)
    assert parse_date(dt.date(2100, 12, 31), field="close_date") == dt.date(2100, 12, 31)
    refused(parse_date, dt.date(1999, 12, 31), field="close_date", match="from 2000-01-01 to 2100-12-31")
    refused(parse_date, "2101-01-01", field="close_date", match="from 2000-01-01")
    refused(parse_date, "2024-02-30", field="close_date", match="no such date")
    refused(parse_date, "20240101", field="close_date", match="YYYY-MM-DD")
    refused(parse_date, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), field="close_date", match="not a datetime")


def test_a_moment_is_aware_and_in_range() -> None:
    moment = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    assert parse_moment(moment, field="closed_at") == moment
    refused(parse_moment, moment.replace(tzinfo=None), field="closed_at", match="time zone")
    refused(parse_moment, dt.date(2024, 1, 1), field="closed_at", match="not a date")


@given(raw=ANYTHING)
def test_a_date_is_a_date_in_range_or_refused(raw: Any) -> None:
    try:
        value = parse_date(raw, field="d")
    except InvalidInput:
        return
    assert type(value) is dt.date and parsing.FIRST_DAY <= value <= parsing.LAST_DAY


# ----------------------------------------------------------------------------------------------- shares


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("59.9%", "0.599"), ("0.599", "0.599"), (Decimal("0.599995"), "0.599995"), ("59.9995%", "0.599995"), (1, "1")],
)
def test_a_share_keeps_its_exact_value(raw: Any, expected: str) -> None:
    assert parse_share(raw, field="usage", places=10) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (0.5, "not a float"),
        (True, "not a boolean"),
        ("101%", "between 0% and 100%"),
        ("-1%", "must be a share such as"),
        ("1e-1", "must be a share such as"),
        ("0.12345678901", "more precise"),
    ],
)
def test_a_share_refuses(raw: Any, message: str) -> None:
    refused(parse_share, raw, field="usage", places=10, match=message)


@given(active=st.integers(min_value=0, max_value=200_000))
def test_a_share_of_200000_seats_is_kept_exactly(active: int) -> None:
    share = Decimal(active) / 200_000
    assert parse_share(share, field="usage", places=10) == share
    assert parse_share(f"{share * 100}%", field="usage", places=10) == share


# ------------------------------------------------------------------------------------- booleans, numbers


def test_a_boolean_is_a_boolean() -> None:
    assert parse_bool(False, field="funded") is False
    for raw in ("true", 1, None):
        refused(parse_bool, raw, field="funded", match="true or false")


def test_a_decimal_is_within_its_bounds_and_digits() -> None:
    def rate(raw: Any) -> Decimal:
        return parse_decimal(
            raw, field="rate", minimum=Decimal("0.000001"), maximum=Decimal(999999), max_digits=18, places=6
        )

    assert rate("83.1234") == Decimal("83.123400")
    for raw in ("0", "1e3", 83.1, "83.1234567", "NaN", "1000000"):
        refused(rate, raw)
