"""Model fields shared by every app."""

from __future__ import annotations

from typing import Any

from django.db import models

from .money import MONEY_DIGITS


def money_field(verbose_name: str | None = None, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A USD amount column: Decimal to the cent, the same precision everywhere (ADR 3)."""
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=2, **kwargs)
