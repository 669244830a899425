"""Row locks on daily runs: taken only through these helpers."""

from __future__ import annotations

from .models import DailyRun


def daily_run_lock(*, run_id: int) -> DailyRun:
    """Lock one day's run while its totals are added to (two runs the same day add up, never overwrite)."""
    return DailyRun.objects.select_for_update().get(pk=run_id)
