"""Parsing raw input (OD-IN-01): every value from outside is read here, or refused with a clear message.

Services call these at their top today; forms and API schemas call the same functions tomorrow. Each
parser takes the raw value and the field's name, returns a clean Python value, and raises `InvalidInput`
naming the field and rule OD-IN-01 for anything else. None of them touches the database."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from .errors import InvalidInput

RULE = "OD-IN-01"
MONEY_INTEGER_DIGITS = 12
MONEY_MAX = Decimal(10**MONEY_INTEGER_DIGITS) - Decimal("0.01")
INT_MAX = 2_147_483_647  # PositiveIntegerField / integer on PostgreSQL; the tightest of our databases
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
MAX_ITEMS = 100
EMAIL_LENGTH = 254
NOTE_LENGTH = 2000  # free text (a reason, a question): no column bounds it, so this does

_CENT = Decimal("0.01")
# `$75,000.00`, `USD 1,234.5`, `INR 2,493,702.00`: an optional currency code, an optional dollar sign, the number.
MONEY_PATTERN = re.compile(
    r"\s*(?:(?P<cur>[A-Z]{3})\s*)?(?P<dollar>\$)?\s*(?P<num>-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*"
)
_WHOLE_RE = re.compile(r"\s*(?P<num>-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+))\s*")
_SHARE_RE = re.compile(r"\s*(?P<num>[0-9]{1,3}(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<pct>%)?\s*")
_DATE_RE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*")
# Invisible characters that change how text reads: direction overrides and isolates anywhere, and
# zero-width characters in names, where they make two different names look alike.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_LINE_BREAKS = frozenset("\n\r\t")
# Babel's territories hold regions and reserved codes besides ISO 3166-1 alpha-2; these are not countries.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})
_email_validator = EmailValidator()


def refuse(field: str, reason: str) -> InvalidInput:
    """The one shape of an input refusal: `<field>: <what is wrong> (OD-IN-01)`, e.g. `face value: cannot be
    negative: '-5' (OD-IN-01)`."""
    return InvalidInput(f"{field}: {reason} ({RULE})", rules=(RULE,))


def shown(raw: Any) -> str:
    """A raw value as a message may quote it: its repr (NUL and controls escaped), cut short."""
    if isinstance(raw, int) and raw.bit_length() > 128:
        return f"a {raw.bit_length()}-bit number"
    try:
        text = repr(raw)
    except Exception:
        return f"a {type(raw).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(raw: Any) -> str:
    return "a boolean" if isinstance(raw, bool) else f"a {type(raw).__name__}"


# ---------------------------------------------------------------------------------------------- money


def parse_money(raw: Any, *, field: str, allow_negative: bool = False) -> Decimal:
    """USD to the cent: `$75,000.00`, `USD 75,000.00`, `75000`, a Decimal or an int; at most 12 integer digits
    and 2 decimals. Never a float, a boolean, an exponent, NaN or infinity; negative only where allowed."""
    if isinstance(raw, bool) or not isinstance(raw, str | Decimal | int):
        raise refuse(field, f"must be an amount of money (text, a Decimal or an int), not {_type_name(raw)}")
    if isinstance(raw, str):
        match = MONEY_PATTERN.fullmatch(raw) if len(raw) <= 40 else None
        if not match:
            raise refuse(field, f"is not an amount of money: {shown(raw)}")
        if match["cur"] not in (None, "USD"):
            raise refuse(field, f"is in USD, not {match['cur']}: {shown(raw)}")
        value = Decimal(match["num"].replace(",", ""))
    else:
        value = Decimal(raw)
    if not value.is_finite():
        raise refuse(field, f"is not an amount of money: {shown(raw)}")
    if value < 0 and not allow_negative:
        raise refuse(field, f"cannot be negative: {shown(raw)}")
    if abs(value) > MONEY_MAX:
        raise refuse(field, f"has at most {MONEY_INTEGER_DIGITS} digits before the point: {shown(raw)}")
    cents = value.quantize(_CENT)
    if value != cents:
        raise refuse(field, f"has at most two decimals: {shown(raw)}")
    return cents


def parse_optional_money(raw: Any, *, field: str) -> Decimal | None:
    """An amount, or None when none is given (None or empty text)."""
    return None if raw is None or raw == "" else parse_money(raw, field=field)


# ------------------------------------------------------------------------------------ numbers and shares


def parse_whole(raw: Any, *, field: str, minimum: int = 0, maximum: int = INT_MAX) -> int:
    """A whole number given as an int or as digits (`1,200` too), within [minimum, maximum] (by default the
    database's non-negative integer range); never a boolean, a float or an exponent."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise refuse(field, f"must be a whole number (an int or digits), not {_type_name(raw)}")
    if isinstance(raw, str):
        match = _WHOLE_RE.fullmatch(raw)
        if not match or len(match["num"]) > 20:
            raise refuse(field, f"must be a whole number, not {shown(raw)}")
        raw = int(match["num"].replace(",", ""))
    if not minimum <= raw <= maximum:
        if raw < 0 <= minimum:
            raise refuse(field, f"must be a whole number, zero or more, not {shown(raw)}")
        raise refuse(field, f"must be a whole number from {minimum:,} to {maximum:,}, not {shown(raw)}")
    return raw


def parse_optional_whole(raw: Any, *, field: str) -> int | None:
    """A whole number, or None when none is given (None or empty text)."""
    return None if raw is None or raw == "" else parse_whole(raw, field=field)


def parse_share(raw: Any, *, field: str, places: int) -> Decimal:
    """A share from 0 to 1, given as `59.9%`, `0.599` or a Decimal, kept exactly: a value with more than
    `places` decimals (as a fraction of one) is refused rather than rounded."""
    if isinstance(raw, bool) or not isinstance(raw, str | Decimal | int):
        raise refuse(field, f"must be a share such as '59.9%' or a Decimal, not {_type_name(raw)}")
    if isinstance(raw, str):
        match = _SHARE_RE.fullmatch(raw) if len(raw) <= 40 else None
        if not match:
            raise refuse(field, f"must be a share such as '59.9%' or '0.599', not {shown(raw)}")
        value = Decimal(match["num"])
        if match["pct"]:
            value = value / 100
    else:
        value = Decimal(raw)
    if not value.is_finite() or not 0 <= value <= 1:
        raise refuse(field, f"must lie between 0% and 100%, not {shown(raw)}")
    exact = value.quantize(Decimal(1).scaleb(-places))
    if exact != value:
        raise refuse(field, f"is kept to {places} decimals of one; {shown(raw)} is more precise")
    return exact


def parse_bool(raw: Any, *, field: str) -> bool:
    """True or False itself; a string or a number is not taken for a yes or a no."""
    if not isinstance(raw, bool):
        raise refuse(field, f"must be true or false, not {_type_name(raw)}")
    return raw


# ----------------------------------------------------------------------------------------------- text


def _check_characters(text: str, *, field: str, name: bool, multiline: bool) -> None:
    for char in text:
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS:
            raise refuse(field, f"may not hold the invisible direction mark U+{ord(char):04X}")
        if name and char in ZERO_WIDTH:
            raise refuse(field, f"may not hold the invisible character U+{ord(char):04X}")
        if category == "Cs":
            raise refuse(field, "may not hold a lone surrogate")
        if category == "Cc" and not (multiline and char in _LINE_BREAKS):
            what = "NUL" if char == "\0" else f"the control character U+{ord(char):04X}"
            raise refuse(field, f"may not hold {what}")
        if name and category in ("Zl", "Zp"):
            raise refuse(field, "must be one line")


def parse_text(
    raw: Any,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    name: bool = False,
    multiline: bool = False,
) -> str:
    """Text, stripped, within its column's `max_length`, without NUL, control characters or direction
    overrides; a `name` holds no zero-width characters either; `multiline` text may hold line breaks and tabs."""
    if not isinstance(raw, str):
        raise refuse(field, f"must be text, not {_type_name(raw)}")
    text = raw.strip()
    if required and not text:
        raise refuse(field, "is required")
    if len(text) > max_length:
        raise refuse(field, f"has at most {max_length:,} characters, not {len(text):,}")
    _check_characters(text, field=field, name=name, multiline=multiline)
    return text


def parse_name(raw: Any, *, field: str, max_length: int, required: bool = True) -> str:
    """A name: one line of text with no invisible characters."""
    return parse_text(raw, field=field, max_length=max_length, required=required, name=True)


def parse_note(raw: Any, *, field: str, required: bool = True) -> str:
    """Free text such as a reason or a question: lines of at most NOTE_LENGTH characters in all."""
    return parse_text(raw, field=field, max_length=NOTE_LENGTH, required=required, multiline=True)


def parse_choice(raw: Any, *, field: str, choices: Collection[str]) -> str:
    """One of a fixed list of values, exactly as the list spells it (surrounding spaces aside)."""
    text = parse_text(raw, field=field, max_length=200, name=True)
    if text not in choices:
        known = sorted(choices)
        listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        raise refuse(field, f"must be one of {listed}, not {shown(text)}")
    return text


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from Babel's territories without its regions and reserved codes."""
    from babel import Locale

    territories: Iterable[str] = Locale("en").territories
    return frozenset(c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 currency codes, as Babel lists them."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _code(raw: Any, *, field: str, length: int, known: frozenset[str], what: str) -> str:
    text = parse_text(raw, field=field, max_length=length + 10, name=True).upper()
    if text not in known:
        raise refuse(field, f"must be an {what}, not {shown(text)}")
    return text


def parse_country(raw: Any, *, field: str = "country") -> str:
    """A country as its ISO 3166-1 alpha-2 code (`us` reads as `US`)."""
    return _code(raw, field=field, length=2, known=countries(), what="ISO 3166-1 alpha-2 country code")


def parse_optional_country(raw: Any, *, field: str = "country") -> str:
    """A country code, or empty text when none is given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    return parse_country(raw, field=field)


def parse_currency(raw: Any, *, field: str = "currency") -> str:
    """A currency as its ISO 4217 code (`inr` reads as `INR`)."""
    return _code(raw, field=field, length=3, known=currencies(), what="ISO 4217 currency code")


def parse_email(raw: Any, *, field: str) -> str:
    """An e-mail address Django's EmailValidator accepts, at most 254 characters."""
    text = parse_text(raw, field=field, max_length=EMAIL_LENGTH, name=True)
    try:
        _email_validator(text)
    except ValidationError:
        raise refuse(field, f"must be an e-mail address, not {shown(text)}") from None
    return text


def parse_optional_email(raw: Any, *, field: str) -> str:
    """An e-mail address, or empty text when none is given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    return parse_email(raw, field=field)


# ---------------------------------------------------------------------------------------------- lists


def parse_list[T](
    raw: Any,
    *,
    field: str,
    item: Callable[..., T],
    max_items: int = MAX_ITEMS,
    unique: bool = True,
) -> list[T]:
    """A list where a list is meant: a list, tuple, set or other iterable, never a bare string (which
    would read as its letters) nor a mapping; each item parsed by `item(value, field=...)`; duplicates
    dropped (in order) when `unique`."""
    if isinstance(raw, str | bytes | bytearray | Mapping) or not isinstance(raw, Iterable):
        raise refuse(field, f"must be a list, not {_type_name(raw)}")
    values: list[T] = []
    for index, value in enumerate(raw):
        if index >= max_items:
            raise refuse(field, f"has at most {max_items} items")
        parsed = item(value, field=f"{field}[{index}]")
        if not (unique and parsed in values):
            values.append(parsed)
    return values


def parse_choices(raw: Any, *, field: str, choices: Collection[str], skip_blank: bool = False) -> list[str]:
    """A list of values, each from a fixed list (workloads and SKUs from the catalogue, for instance);
    with `skip_blank`, blank items are left out rather than refused."""

    def one(value: Any, *, field: str) -> str:
        if skip_blank and isinstance(value, str) and not value.strip():
            return ""
        return parse_choice(value, field=field, choices=choices)

    return [value for value in parse_list(raw, field=field, item=one) if value]


def parse_mapping(raw: Any, *, field: str, max_items: int = MAX_ITEMS) -> Mapping[Any, Any]:
    """A mapping where one is meant (e.g. users by workload)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise refuse(field, f"must be a mapping, not {_type_name(raw)}")
    if len(raw) > max_items:
        raise refuse(field, f"has at most {max_items} entries")
    return raw


# ---------------------------------------------------------------------------------------------- dates


def parse_date(raw: Any, *, field: str) -> dt.date:
    """A calendar date from 2000-01-01 to 2100-12-31, as a date or as `YYYY-MM-DD`; a datetime is not a date."""
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date | str):
        raise refuse(field, f"must be a date (YYYY-MM-DD), not {_type_name(raw)}")
    if isinstance(raw, str):
        if not _DATE_RE.fullmatch(raw):
            raise refuse(field, f"a date is written YYYY-MM-DD, not {shown(raw)}")
        try:
            raw = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise refuse(field, f"no such date: {shown(raw)}") from None
    if not FIRST_DAY <= raw <= LAST_DAY:
        raise refuse(field, f"must be a date from {FIRST_DAY} to {LAST_DAY}, not {raw}")
    return raw


def parse_optional_date(raw: Any, *, field: str) -> dt.date | None:
    """A date, or None when none is given (None or empty text)."""
    return None if raw is None or raw == "" else parse_date(raw, field=field)


def parse_moment(raw: Any, *, field: str) -> dt.datetime:
    """An aware datetime whose date lies from 2000-01-01 to 2100-12-31."""
    if not isinstance(raw, dt.datetime):
        raise refuse(field, f"must be a date and time, not {_type_name(raw)}")
    if raw.tzinfo is None or raw.utcoffset() is None:
        raise refuse(field, "needs its time zone")
    if not FIRST_DAY <= raw.date() <= LAST_DAY:
        raise refuse(field, f"must be a date from {FIRST_DAY} to {LAST_DAY}, not {raw.date()}")
    return raw


def parse_decimal(raw: Any, *, field: str, minimum: Decimal, maximum: Decimal, max_digits: int, places: int) -> Decimal:
    """A plain decimal number (text, a Decimal or an int) within [minimum, maximum] and its column's
    digits, returned as given; never a float, a boolean, an exponent or NaN."""
    if isinstance(raw, bool) or not isinstance(raw, str | Decimal | int):
        raise refuse(field, f"must be a number (text, a Decimal or an int), not {_type_name(raw)}")
    if isinstance(raw, str):
        if not re.fullmatch(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*", raw) or len(raw) > 60:
            raise refuse(field, f"must be a plain number, not {shown(raw)}")
        raw = raw.strip()
    value = Decimal(raw)
    if not value.is_finite() or not minimum <= value <= maximum:
        raise refuse(field, f"must be a number from {minimum} to {maximum}, not {shown(raw)}")
    try:
        exact = value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # pragma: no cover - the bounds keep the digits in range
        raise refuse(field, f"has too many digits: {shown(raw)}") from None
    if exact != value or len(exact.as_tuple().digits) > max_digits:
        raise refuse(field, f"has at most {places} decimals and {max_digits} digits: {shown(raw)}")
    return value


class Problems:
    """Parse several fields and name every problem at once: `parse` returns None for a refused field, and
    `raise_if_any` raises one InvalidInput listing them all."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def parse[T](self, parser: Callable[..., T], raw: Any, **options: Any) -> T | None:
        """The parsed value, or None with the refusal noted."""
        try:
            return parser(raw, **options)
        except InvalidInput as error:
            self.messages.append(error.message)
            return None

    def add(self, message: str) -> None:
        """Note a problem found by a check of the service's own."""
        self.messages.append(message)

    def raise_if_any(self) -> None:
        """Refuse with every problem noted, if any."""
        if self.messages:
            rules = (RULE,) if any(m.endswith(f"({RULE})") for m in self.messages) else ()
            raise InvalidInput("; ".join(self.messages), rules=rules)
