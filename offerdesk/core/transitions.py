"""Explicit status transition tables, checked by every service that changes a status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from .errors import IllegalTransition


class Stateful(Protocol):
    """A row with a status field that saves only the fields it is told."""

    status: str

    def save(self, *, update_fields: Iterable[str]) -> None: ...


def check_transition(table: Mapping[str, frozenset[str]], *, what: str, current: str, new: str) -> None:
    """Raise unless the table allows `current` -> `new`."""
    if new not in table.get(current, frozenset()):
        raise IllegalTransition(f"a {what} cannot go from {current} to {new}")


def transition_apply(
    obj: Stateful,
    table: Mapping[str, frozenset[str]],
    new: str,
    *,
    what: str,
    extra_fields: Iterable[str] = (),
) -> None:
    """Move a (locked) row along its transition table and save its status with the fields set alongside it."""
    check_transition(table, what=what, current=obj.status, new=new)
    obj.status = new
    obj.save(update_fields=["status", "updated_at", *extra_fields])
