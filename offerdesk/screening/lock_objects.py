"""Row locks of the screening app."""

from __future__ import annotations

from offerdesk.core.errors import NotFound

from .models import ScreeningLine


def screening_line_lock(*, line_id: int) -> ScreeningLine:
    """Lock one screening line (a nomination is made from it at most once per offer)."""
    line = (
        ScreeningLine.objects.select_for_update(of=("self",))
        .select_related("screening", "customer")
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound(f"line: no screening line #{line_id}")
    return line
