"""The staff home's dashboards (issue 8, point 6): the reports' figures as charts drawn on the server (ADR 27),
each with its figures, for what the user may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.dates import format_date

from offerdesk.accounts.access import PAYMENT_ROLES
from offerdesk.accounts.models import Role, User
from offerdesk.core import dates
from offerdesk.portal.charts import bar_chart
from offerdesk.portal.templatetags.portal import day, money, percent, user_locale
from offerdesk.reports.selectors import (
    dashboard_expiring,
    dashboard_forecast,
    dashboard_funnel,
    dashboard_liability,
    dashboard_queue_age,
    dashboard_sla,
)


def _usd(value: Decimal | int) -> str:
    return money(value, "USD")


def _share(value: Decimal | int) -> str:
    return percent(Decimal(value) / 100)


def dashboards_for(user: User, *, on: dt.date | None = None) -> dict[str, Any]:
    """The charts and their figures: the funnel, vouchers expiring and the review desk for every staff role;
    the money owed and its forecast for those who read the ledger (ADR 27). The months and weeks end on `on`
    (default today); the liability and the queue are as they stand."""
    today = on or dates.today()
    funnels = dashboard_funnel(user=user, today=today)
    expiring = dashboard_expiring(user=user, today=today)
    sla = dashboard_sla(user=user, today=today)
    queue = dashboard_queue_age(user=user)  # the queue as it stands
    boards: dict[str, Any] = {
        "funnels": [
            (f, bar_chart(f"funnel-{i}", f"{f.program}: the funnel over {len(f.months)} months", f.totals))
            for i, f in enumerate(funnels)
        ],
        "expiring": (
            expiring,
            bar_chart(
                "expiring",
                f"Vouchers expiring in the next 30 days: {expiring.total}",
                [(f"week of {day(w)}", n) for w, n, _ in expiring.weeks],
                horizontal=False,
            ),
        ),
        "sla": (
            sla,
            bar_chart(
                "sla",
                "Requests decided by their SLA due date, per week (%)",
                [(day(w.week), int((w.share or 0) * 100)) for w in sla],
                horizontal=False,
                write=_share,
            ),
        ),
        "queue": (queue, bar_chart("queue", "Requests waiting for a decision, by age", queue)),
    }
    if user.is_superuser or user.role in PAYMENT_ROLES or user.role == Role.FPM:
        liability = dashboard_liability(user=user)
        forecast = dashboard_forecast(user=user, today=today)
        boards["liability"] = (
            liability,
            bar_chart("liability", "Outstanding liability (USD)", liability.bars, write=_usd),
        )
        boards["forecast"] = (
            forecast,
            bar_chart(
                "forecast",
                "Payments forecast by month payable (USD)",
                [(format_date(m, "MMM yyyy", locale=user_locale()), v) for m, v in forecast],
                horizontal=False,
                write=_usd,
            ),
        )
    return boards
