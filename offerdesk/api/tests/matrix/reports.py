"""The matrix rows of /reports: the dashboards' figures are each caller's own scope's (a partner its own, a seller
no payments), so everyone signed in gets figures; a bad day is refused by its field (test_reports)."""

from __future__ import annotations

from . import Op, signed_in

ROWS: dict[str, Op] = {
    name: Op(expect=signed_in(200), query=lambda w: {"on": "2024-04-30"})
    for name in ("report_funnel", "report_expiring", "report_forecast", "report_sla", "report_queue_age")
} | {"report_liability": Op(expect=signed_in(200))}
