"""The dashboards' figures (the staff home's, ADR 27), for what the caller may see (an FPM its partners', a seller
no payments): the funnel per program and month, the outstanding liability, the vouchers expiring soon, the payments
forecast, the review desk's SLA compliance and its queue by age. The months and weeks end on `on` (default today)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.core import dates, parsing
from offerdesk.reports.selectors import (
    STAGES,
    dashboard_expiring,
    dashboard_forecast,
    dashboard_funnel,
    dashboard_liability,
    dashboard_queue_age,
    dashboard_sla,
)

from .auth import caller
from .schemas import Money

router = Router(tags=["reports"])


class OnDay(Schema):
    on: str = Field("", description="The day the figures are up to (YYYY-MM-DD); default today.")

    def day(self) -> dt.date:
        return parsing.parse_optional_date(self.on, field="on") or dates.today()


class StageCount(Schema):
    stage: str = Field(description=f"One of: {', '.join(STAGES)}.")
    count: int


class FunnelMonth(Schema):
    month: dt.date
    stages: list[StageCount]


class FunnelOut(Schema):
    program: str
    months: list[FunnelMonth] = Field(description="Oldest first: how many reached each stage in that month.")
    totals: list[StageCount]


@router.get("/funnel", response=list[FunnelOut], operation_id="report_funnel", summary="The funnel, per program")
def report_funnel_op(request: HttpRequest, query: Query[OnDay]) -> list[FunnelOut]:
    return [
        FunnelOut(
            program=f.program,
            months=[
                FunnelMonth(month=m, stages=[StageCount(stage=s, count=n) for s, n in zip(STAGES, counts, strict=True)])
                for m, counts in f.rows
            ],
            totals=[StageCount(stage=s, count=n) for s, n in f.totals],
        )
        for f in dashboard_funnel(user=caller(request), today=query.day())
    ]


class LiabilityOut(Schema):
    live_face_value: Money = Field(description="The face value of live vouchers: the most they can still cost.")
    live_vouchers: int
    committed: Money = Field(description="What approvals committed.")
    committed_unpaid: Money = Field(description="Of that, not paid yet.")


@router.get(
    "/liability", response=LiabilityOut, operation_id="report_liability", summary="The outstanding liability (USD)"
)
def report_liability_op(request: HttpRequest) -> LiabilityOut:
    found = dashboard_liability(user=caller(request))
    return LiabilityOut(
        live_face_value=found.live_face_value,
        live_vouchers=found.live_vouchers,
        committed=found.committed,
        committed_unpaid=found.committed_unpaid,
    )


class ExpiringWeek(Schema):
    week: dt.date = Field(description="Its Monday.")
    vouchers: int
    face_value: Money


class ExpiringOut(Schema):
    total: int
    weeks: list[ExpiringWeek]


@router.get(
    "/expiring",
    response=ExpiringOut,
    operation_id="report_expiring",
    summary="Live vouchers expiring in the next 30 days, per week",
)
def report_expiring_op(request: HttpRequest, query: Query[OnDay]) -> ExpiringOut:
    found = dashboard_expiring(user=caller(request), today=query.day())
    weeks = [ExpiringWeek(week=w, vouchers=n, face_value=face) for w, n, face in found.weeks]
    return ExpiringOut(total=found.total, weeks=weeks)


class ForecastMonth(Schema):
    month: dt.date
    usd: Money


@router.get(
    "/forecast",
    response=list[ForecastMonth],
    operation_id="report_forecast",
    summary="The payments not paid yet by the month they are payable (overdue ones in the first)",
)
def report_forecast_op(request: HttpRequest, query: Query[OnDay]) -> list[ForecastMonth]:
    return [ForecastMonth(month=m, usd=v) for m, v in dashboard_forecast(user=caller(request), today=query.day())]


class SlaWeekOut(Schema):
    week: dt.date = Field(description="Its Monday.")
    decided: int
    on_time: int = Field(description="Decided by their SLA due date.")
    share: str | None = Field(description="on_time / decided as a decimal string (0.7500); null: none decided.")


@router.get(
    "/sla",
    response=list[SlaWeekOut],
    operation_id="report_sla",
    summary="Requests decided by their SLA due date, per week",
)
def report_sla_op(request: HttpRequest, query: Query[OnDay]) -> list[SlaWeekOut]:
    return [
        SlaWeekOut(week=w.week, decided=w.decided, on_time=w.on_time, share=None if w.share is None else str(w.share))
        for w in dashboard_sla(user=caller(request), today=query.day())
    ]


class AgeBucket(Schema):
    age: str = Field(description="Business days since submission.")
    requests: int


@router.get(
    "/queue-age",
    response=list[AgeBucket],
    operation_id="report_queue_age",
    summary="The requests waiting for a decision, by business days since submission",
)
def report_queue_age_op(request: HttpRequest, query: Query[OnDay]) -> list[AgeBucket]:
    return [AgeBucket(age=a, requests=n) for a, n in dashboard_queue_age(user=caller(request), today=query.day())]
