"""The /reports operations: to come (issue 9)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reports"])
