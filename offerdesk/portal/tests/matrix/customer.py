"""The matrix rows of the customer area's routes (its owner adds one per route)."""

from __future__ import annotations

from . import Row

ROWS: dict[str, Row] = {}
