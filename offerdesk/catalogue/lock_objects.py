"""Row locks on parameter overrides: taken only through these helpers."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ParameterOverride


def overrides_in_force_locked() -> QuerySet[ParameterOverride]:
    """The overrides neither withdrawn nor withdrawals, each row locked as it is read (one withdrawal at a time)."""
    return ParameterOverride.objects.select_for_update(of=("self",)).filter(
        withdraws__isnull=True, withdrawal__isnull=True
    )
