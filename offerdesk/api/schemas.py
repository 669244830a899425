"""What every area's schemas share: inputs refuse unknown fields; money is a decimal string, never a float."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, PlainSerializer, field_validator

# Money out: "9000.00", exact (JSON numbers are floats to most clients). "always", not "json": ninja dumps the
# response in python mode before its JSON encoder runs, so a "json" serializer never would (a sum was "18000").
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="always")]


# What a database integer holds (PostgreSQL's bigint; SQLite's INTEGER): a whole number past it is bad input, not a
# server error when the query is sent (schemathesis found `?request=4927…` answering 500 on SQLite).
WHOLE_MIN, WHOLE_MAX = -(2**63), 2**63 - 1


class WholeNumbersFit(Schema):
    """Every whole number in it (a key, a count) fits a database integer, or the field is refused (400)."""

    @field_validator("*", mode="after")
    @classmethod
    def _fits_a_database_integer(cls, value: Any) -> Any:
        numbers = value if isinstance(value, list) else [value]
        for number in numbers:
            if isinstance(number, int) and not isinstance(number, bool) and not WHOLE_MIN <= number <= WHOLE_MAX:
                raise ValueError(f"must be a whole number from {WHOLE_MIN} to {WHOLE_MAX}")
        return value


class Input(WholeNumbersFit):
    """A request body: a field it does not know is refused, not ignored (OD-IN-01); whole numbers fit."""

    model_config = ConfigDict(extra="forbid")


class Message(Schema):
    """A plain answer with nothing more to return."""

    detail: str


class UtcEncoder(NinjaJSONEncoder):
    """Every moment in UTC (`2024-01-10T20:00:00Z`), however it was made: one instant, one spelling."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and o.tzinfo is not None:
            o = o.astimezone(dt.UTC)
        return super().default(o)


class ApiRenderer(JSONRenderer):
    """The API's JSON: moments in UTC, text as it is (not \\u-escaped)."""

    encoder_class = UtcEncoder
    json_dumps_params = {"ensure_ascii": False}
