"""Every collection is a page of at most `limit` items and a cursor to the next (ADR 29): keyset pagination on the
chosen ordering and the primary key, one query per page whatever the page's size or position.

An endpoint names its orderings (`{"expiry_date": "expiry_date", "newest": "-created_at"}`: the name a client
sends and the field, never null, it orders by); the cursor holds the ordering, the last item's value and its
key, so that a page follows on exactly where the last one stopped, whatever was added before it."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Field, Model, Q, QuerySet
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict

from offerdesk.core import parsing

from .schemas import FitsTheDatabase


class ListParams(FitsTheDatabase):
    """What every list takes in its query: where to go on from, how many, in which order (each list's filters
    holding what fits the database)."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = SchemaField(None, description="The `next` of the page before; none for the first page.")
    limit: int | None = SchemaField(None, ge=1, description="Items per page (default 50, at most 200).")
    ordering: str | None = SchemaField(None, description="One of the orderings the operation lists.")


class Page[T](Schema):
    """A page: its items and, when more follow, the cursor of the next page (`Page[VoucherOut]`)."""

    items: list[T]
    next: str | None = SchemaField(None, description="Send as `cursor` for the next page; null on the last.")


def _field_of(model: type[Model], path: str) -> Field[Any, Any]:
    """The model field at the end of an ordering's path (`customer__name` → Customer.name)."""
    current: type[Model] = model
    parts = path.split("__")
    for part in parts[:-1]:
        related = current._meta.get_field(part).related_model
        assert isinstance(related, type)
        current = related
    found = current._meta.get_field(parts[-1])
    assert isinstance(found, Field)
    return found


def _encode(ordering: str, value: Any, pk: Any) -> str:
    text = json.dumps([ordering, None if value is None else str(value), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ordering, value, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not (isinstance(ordering, str) and isinstance(value, str) and isinstance(pk, int)):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise parsing.refuse("cursor", "is not a cursor this list gave") from None
    return ordering, value, pk


def page_of[M: Model](
    queryset: QuerySet[M], params: ListParams, *, orderings: Mapping[str, str], default: str
) -> tuple[list[M], str | None]:
    """One page of `queryset` (already scoped and filtered) in the ordering asked for, and the next cursor."""
    limit = params.limit or settings.OFFERDESK_API_PAGE_SIZE
    if limit > settings.OFFERDESK_API_MAX_PAGE_SIZE:
        raise parsing.refuse("limit", f"is {limit}; a page holds at most {settings.OFFERDESK_API_MAX_PAGE_SIZE}")
    name = params.ordering or default
    if name not in orderings:
        raise parsing.refuse("ordering", f"must be one of {', '.join(sorted(orderings))}")
    order = orderings[name]
    path = order.removeprefix("-")
    descending = order.startswith("-")
    field = _field_of(queryset.model, path)
    qs = queryset.order_by(order, "-pk" if descending else "pk")
    if params.cursor:
        cursor_ordering, raw, last_pk = _decode(params.cursor)
        if cursor_ordering != name:
            raise parsing.refuse("cursor", f"belongs to the ordering {cursor_ordering!r}, not {name!r}")
        try:
            last = field.to_python(raw)
        except Exception:
            raise parsing.refuse("cursor", "is not a cursor this list gave") from None
        after = "lt" if descending else "gt"
        qs = qs.filter(Q(**{f"{path}__{after}": last}) | Q(**{path: last, f"pk__{after}": last_pk}))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    tail = rows[-1]
    value: Any = tail
    for part in path.split("__"):
        value = getattr(value, part)
    return rows, _encode(name, value.pk if isinstance(value, Model) else value, tail.pk)
