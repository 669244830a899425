"""What every area's schemas share: inputs refuse unknown fields; money is a decimal string, never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, PlainSerializer

# Money out: "9000.00", exact (JSON numbers are floats to most clients). "always", not "json": ninja dumps the
# response in python mode before its JSON encoder runs, so a "json" serializer never would (a sum was "18000").
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="always")]


class Input(Schema):
    """A request body: a field it does not know is refused, not ignored (OD-IN-01)."""

    model_config = ConfigDict(extra="forbid")


class Message(Schema):
    """A plain answer with nothing more to return."""

    detail: str
