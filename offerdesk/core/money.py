"""Money: Decimal USD to the cent, one rounding helper, parsing and formatting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from . import parsing
from .errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_DIGITS = parsing.MONEY_INTEGER_DIGITS + 2  # the column holds what the parser lets through, to the cent


class MoneyError(InvalidInput, ValueError):
    """A money value that cannot be read."""


def quantize(amount: Decimal | int | str, *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the cent: half-up unless told otherwise. The one rounding helper."""
    return Decimal(amount).quantize(CENT, rounding=rounding)


def split_half(base: Decimal, *, first_rounding: str = ROUND_DOWN) -> tuple[Decimal, Decimal]:
    """Split a base in two: the first half rounded (down by default) to the cent, the second takes the rest
    (AMB-29)."""
    first = quantize(base / 2, rounding=first_rounding)
    return first, quantize(base) - first


def parse_money(text: str | Decimal | int, *, field: str = "amount") -> Decimal:
    """Read `$75,000.00`, `75000`, or a Decimal, as `core.parsing.parse_money` does (OD-IN-01)."""
    try:
        return parsing.parse_money(text, field=field)
    except InvalidInput as error:
        raise MoneyError(error.message, rules=error.rules) from None


def parse_local_money(text: str) -> tuple[str, Decimal]:
    """Read `INR 2,493,702.00` into its currency and amount."""
    match = parsing.MONEY_PATTERN.fullmatch(text)
    if not match or not match["cur"] or match["dollar"]:
        raise MoneyError(f"not a local amount: {text!r}")
    return match["cur"], parse_money(match["num"])


def format_usd(amount: Decimal) -> str:
    """`$75,000.00`."""
    return "$" + format_decimal(quantize(amount), format="#,##0.00", locale="en_US")


def format_local(amount: Decimal, currency: str) -> str:
    """`INR 2,493,702.00`."""
    return f"{currency} " + format_decimal(quantize(amount), format="#,##0.00", locale="en_US")
