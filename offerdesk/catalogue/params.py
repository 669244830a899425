"""Parameters: the catalogue's defaults, overridden by an operator from a date on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from offerdesk.core.errors import InvalidInput
from offerdesk.core.money import MoneyError, parse_money

if TYPE_CHECKING:
    from .schema import ParameterSpec


def _as_list(raw: Any) -> list[Any]:
    if isinstance(raw, list | tuple):
        return list(raw)
    text = str(raw).strip()
    return [] if not text else [item.strip() for item in text.split(",")]


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "yes", "1", "on"}:
        return True
    if text in {"false", "no", "0", "off"}:
        return False
    raise ValueError(f"not true or false: {raw!r}")


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("not a whole number")
    if isinstance(raw, int):
        return raw
    return int(str(raw).replace(",", "").strip())


def _as_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw).strip())


def coerce_value(spec: ParameterSpec, raw: Any) -> Any:
    """Parse a parameter value to its type; refuse it with a clear message if it does not fit."""
    if isinstance(raw, str):
        text = raw.strip().strip('"').strip()
        raw = spec.value_aliases.get(text.lower(), text)
    try:
        match spec.type:
            case "bool":
                value: Any = _as_bool(raw)
            case "int":
                value = _as_int(raw)
                if value < 0:
                    raise ValueError("must not be negative")
            case "decimal":
                value = Decimal(str(raw).strip().rstrip("%"))
                if str(raw).strip().endswith("%"):
                    value = value / 100
                if not value.is_finite() or value < 0:
                    raise ValueError("must be a non-negative number")
            case "money":
                value = parse_money(raw)
            case "date":
                value = _as_date(raw)
            case "optional_date":
                value = None if raw in (None, "") else _as_date(raw)
            case "choice":
                value = str(raw).strip()
            case "str":
                value = str(raw).strip()
            case "int_list":
                value = [_as_int(v) for v in _as_list(raw)]
                if any(v < 0 for v in value):
                    raise ValueError("numbers must not be negative")
            case "money_list":
                value = [parse_money(v) for v in _as_list(raw)]
            case "str_list":
                value = [str(v).strip() for v in _as_list(raw)]
    except (ValueError, TypeError, InvalidOperation, MoneyError) as exc:
        raise InvalidInput(f"parameter {spec.key} ({spec.type}) cannot take {raw!r}: {exc}") from exc
    if spec.ascending and isinstance(value, list) and any(a >= b for a, b in pairwise(value)):
        raise InvalidInput(f"parameter {spec.key} lists its values in ascending order, not {raw!r}")
    if spec.choices is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in spec.choices]
        if bad:
            raise InvalidInput(f"parameter {spec.key} takes one of {spec.choices}, not {bad[0]!r}")
    return value


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
