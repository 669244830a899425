"""The dashboards' figures, checked against a small world whose every count and sum is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from offerdesk.payouts.models import Payment
from offerdesk.payouts.services import payment_fix_local_amount
from offerdesk.reports.selectors import (
    dashboard_expiring,
    dashboard_forecast,
    dashboard_funnel,
    dashboard_liability,
    dashboard_queue_age,
    dashboard_sla,
)
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, cso_customer, cso_nominate, customer, mws_voucher, on, submit

TODAY = dt.date(2023, 10, 20)
CSO, FY24 = "M365 Customer Success Offer", "FY24 Modern Work & Security Deployment Offer"


def _world(cast: Cast) -> None:
    """Two FY24 vouchers issued 2023-10-05 (75,000 each); one SOW approved on 2023-10-12 (50,000, its payment
    fixed by finance), one SOW waiting since 2023-10-16; a CSO nomination in September."""
    cso_nominate(cast, customer=cso_customer(cast.operator, tpid="T-1", name="Contoso"), partner=cast.fabrikam)
    first = mws_voucher(cast, customer=customer(cast.operator, tpid="T-2", name="Adatum"))
    second = mws_voucher(cast, customer=customer(cast.operator, tpid="T-3", name="Alpine"))
    approved_sow(
        cast, voucher=first, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12", value="50000"
    )
    submit(actor=cast.pat, voucher=second, partner=cast.fabrikam, kind="SOW", when="2023-10-16", value="40000")


def test_the_funnel_counts_each_stage_in_its_month(cast: Cast) -> None:
    _world(cast)
    funnels = {f.program: f for f in dashboard_funnel(user=cast.operator, today=TODAY, months=3)}
    assert set(funnels) == {CSO, FY24}
    fy24, cso = funnels[FY24], funnels[CSO]
    assert dict(fy24.rows)[dt.date(2023, 9, 1)] == [2, 0, 0, 0, 0]  # nominated on 2023-09-01
    assert dict(fy24.rows)[dt.date(2023, 10, 1)] == [0, 2, 1, 0, 0]  # issued, one SOW approved; nothing paid
    assert dict(cso.totals)["Nominated"] == 1
    assert [m for m, _ in fy24.rows] == [dt.date(2023, 8, 1), dt.date(2023, 9, 1), dt.date(2023, 10, 1)]


def test_liability_and_the_forecast_follow_the_ledger(cast: Cast) -> None:
    _world(cast)
    before = dashboard_liability(user=cast.finance)
    assert before.live_face_value == Decimal("150000.00") and before.live_vouchers == 2
    assert before.committed == before.committed_unpaid > 0
    payment = Payment.objects.get()
    forecast = dict(dashboard_forecast(user=cast.finance, today=TODAY))
    assert sum(forecast.values()) == payment.amount
    assert forecast[max(payment.payable_on.replace(day=1), TODAY.replace(day=1))] == payment.amount
    # When finance fixes the payment's local amount (a run pays it), it is paid: no longer owed nor forecast
    with on("2023-10-20"):
        payment_fix_local_amount(actor=cast.finance, payment=payment)
    after = dashboard_liability(user=cast.finance)
    assert after.committed == before.committed and after.committed_unpaid == 0
    assert sum(v for _, v in dashboard_forecast(user=cast.finance, today=TODAY)) == 0
    fy24 = next(f for f in dashboard_funnel(user=cast.finance, today=TODAY) if f.program == FY24)
    assert dict(fy24.totals)["Paid"] == 1
    # a seller reads no ledger
    assert dashboard_liability(user=cast.seller).committed == 0


def test_vouchers_expiring_in_the_next_30_days_by_week(cast: Cast) -> None:
    _world(cast)
    expiry = Voucher.objects.order_by("id").first().expiry_date  # type: ignore[union-attr]
    soon = dashboard_expiring(user=cast.operator, today=expiry - dt.timedelta(days=10))
    assert soon.total == 2
    assert sum(face for _, _, face in soon.weeks) == Decimal("150000.00")
    assert all(w.weekday() == 0 for w, _, _ in soon.weeks)
    assert dashboard_expiring(user=cast.operator, today=expiry + dt.timedelta(days=1)).total == 0


def test_sla_compliance_and_the_queue_age(cast: Cast) -> None:
    _world(cast)
    weeks = dashboard_sla(user=cast.reviewer, today=TODAY, weeks=2)
    decided = {w.week: w for w in weeks}
    week = decided[dt.date(2023, 10, 9)]
    assert (week.decided, week.on_time, week.share) == (1, 1, Decimal("1.0000"))
    assert decided[dt.date(2023, 10, 16)].share is None
    # the waiting SOW was submitted on Monday 2023-10-16: four business days by Friday the 20th
    assert dict(dashboard_queue_age(user=cast.reviewer, today=TODAY)) == {
        "0–1 business days": 0,
        "2–3": 0,
        "4–5": 1,
        "over 5": 0,
    }
