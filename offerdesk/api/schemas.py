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


# What a database column holds: an integer in PostgreSQL's bigint (SQLite's INTEGER), text without NUL (PostgreSQL's
# text cannot hold one; Django's form fields refuse it the same way). Past that, an input is bad input — not a
# server error when the query is sent (schemathesis found `?request=4927…` answering 500 on SQLite, and a TPID
# with a NUL answering 500 on PostgreSQL).
WHOLE_MIN, WHOLE_MAX = -(2**63), 2**63 - 1


def _refused(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and not WHOLE_MIN <= value <= WHOLE_MAX:
        return f"must be a whole number from {WHOLE_MIN} to {WHOLE_MAX}"
    if isinstance(value, str) and "\x00" in value:
        return "must not contain a NUL character"
    return None


class FitsTheDatabase(Schema):
    """Every whole number in it (a key, a count) fits a database integer and no text holds a NUL character, or
    the field is refused (400, by its field)."""

    @field_validator("*", mode="after")
    @classmethod
    def _fits_a_database_column(cls, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple | set) else [value]:
            reason = _refused(item)
            if reason is not None:
                raise ValueError(reason)
        return value


class Input(FitsTheDatabase):
    """A request body: a field it does not know is refused, not ignored (OD-IN-01); what it holds fits the
    database."""

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
