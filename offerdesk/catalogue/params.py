"""Parameters: the catalogue's defaults, overridden by an operator from a date on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import holidays

from offerdesk.core import parsing
from offerdesk.core.errors import InvalidInput

if TYPE_CHECKING:
    from .schema import ParameterSpec


def _as_list(raw: Any) -> list[Any]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if not isinstance(raw, str):
        raise ValueError(f"a list (or text with commas), not a {type(raw).__name__}")
    text = raw.strip()
    return [] if not text else [item.strip() for item in text.split(",")]


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"true or false, not a {type(raw).__name__}")
    text = raw.strip().lower()
    if text in {"true", "yes", "1", "on"}:
        return True
    if text in {"false", "no", "0", "off"}:
        return False
    raise ValueError(f"not true or false: {raw!r}")


def _as_number(raw: Any, spec: ParameterSpec) -> Decimal:
    """A decimal number or share: `0.6`, `60%`, a Decimal or an int; never a float, a boolean or an exponent."""
    percent = isinstance(raw, str) and raw.strip().endswith("%")
    text = raw.strip().rstrip("%") if isinstance(raw, str) else raw
    try:
        value = parsing.parse_decimal(
            text, field=spec.key, minimum=Decimal("-1e12"), maximum=Decimal("1e12"), max_digits=24, places=12
        )
    except InvalidInput:
        raise ValueError("not a plain number") from None
    return value / 100 if percent else value


def _as_calendar(raw: Any) -> str:
    text = parsing.parse_text(raw, field="calendar", max_length=10, name=True)
    if text.lower() == "none":
        return "none"
    if text.upper() not in holidays.list_supported_countries():
        raise ValueError(f"the holidays package has no calendar {text!r}")
    return text.upper()


def _one(spec: ParameterSpec, kind: str, raw: Any) -> Any:
    """One value (or one item of a list) of a parameter, parsed by the parsing layer."""
    match kind:
        case "int":
            return parsing.parse_whole(raw, field=spec.key, minimum=-parsing.INT_MAX, maximum=parsing.INT_MAX)
        case "money":
            return parsing.parse_money(raw, field=spec.key)
        case "decimal":
            return _as_number(raw, spec)
        case "date":
            return parsing.parse_date(raw, field=spec.key)
        case _ if spec.codes == "country":
            return parsing.parse_country(raw, field=spec.key)
        case _ if spec.codes == "calendar":
            return _as_calendar(raw)
        case _:
            return parsing.parse_text(raw, field=spec.key, max_length=80, name=True)


def _within_bounds(spec: ParameterSpec, value: Any) -> None:
    numbers = value if isinstance(value, list) else [value]
    if spec.minimum is None or spec.maximum is None or not all(isinstance(n, int | Decimal) for n in numbers):
        return
    for number in numbers:
        if number < 0 <= spec.minimum:
            raise ValueError(f"must not be negative: it takes {spec.bounds()}")
        if not spec.minimum <= number <= spec.maximum:
            raise ValueError(f"{number:,} is out of bounds: it takes {spec.bounds()}")


def coerce_value(spec: ParameterSpec, raw: Any) -> Any:
    """Parse a parameter value to its type and bounds; refuse it with a clear message if it does not fit."""
    if isinstance(raw, str):
        text = raw.strip().strip('"').strip()
        raw = spec.value_aliases.get(text.lower(), text)
    try:
        match spec.type:
            case "bool":
                value: Any = _as_bool(raw)
            case "optional_date":
                value = None if raw in (None, "") else _one(spec, "date", raw)
            case "choice":
                value = parsing.parse_text(raw, field=spec.key, max_length=80, name=True)
            case "int_list" | "money_list" | "str_list":
                value = [_one(spec, spec.type.removesuffix("_list"), v) for v in _as_list(raw)]
            case _:
                value = _one(spec, spec.type, raw)
        _within_bounds(spec, value)
    except (ValueError, TypeError, InvalidOperation, InvalidInput) as exc:
        reason = exc.message if isinstance(exc, InvalidInput) else str(exc)
        raise refused(f"parameter {spec.key} ({spec.type}) cannot take {parsing.shown(raw)}: {reason}") from exc
    if spec.ascending and isinstance(value, list) and any(a >= b for a, b in pairwise(value)):
        raise refused(f"parameter {spec.key} lists its values in ascending order, not {parsing.shown(raw)}")
    if spec.choices is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in spec.choices]
        if bad:
            raise refused(f"parameter {spec.key} takes one of {spec.choices}, not {bad[0]!r}")
    return value


def refused(message: str) -> InvalidInput:
    """A parameter value refused (OD-IN-01), the rule ID at the end of its message as the parsing layer writes it."""
    cited = f"({parsing.RULE})"
    return InvalidInput(message if message.endswith(cited) else f"{message} {cited}", rules=(parsing.RULE,))


def relation_problems(specs: Iterable[ParameterSpec], values: Mapping[str, Any]) -> list[str]:
    """What is wrong between parameters: a date after the date it may not pass, lists of unequal length."""
    problems = []
    for spec in specs:
        value = values.get(spec.key)
        other = values.get(spec.not_after) if spec.not_after else None
        if value is not None and other is not None and value > other:
            problems.append(f"parameter {spec.key} ({value}) may not be after {spec.not_after} ({other})")
        if spec.same_length_as and value is not None and len(value) != len(values.get(spec.same_length_as, [])):
            problems.append(
                f"parameter {spec.key} has one value for each of {spec.same_length_as}: "
                f"{len(value)} for {len(values.get(spec.same_length_as, []))}"
            )
    return problems


class Params(Mapping[str, Any]):
    """The resolved parameters of one program on one date."""

    def __init__(self, program_code: str, values: dict[str, Any]) -> None:
        self.program_code = program_code
        self._values = values

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"program {self.program_code} has no parameter {key!r}") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
