"""Explicit status transition tables, checked by every service that changes a status."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import IllegalTransition


def check_transition(table: Mapping[str, frozenset[str]], *, what: str, current: str, new: str) -> None:
    """Raise unless the table allows `current` -> `new`."""
    if new not in table.get(current, frozenset()):
        raise IllegalTransition(f"a {what} cannot go from {current} to {new}")
