"""The staff dashboards' figures, read set-based through the scoped selectors (a user sees the figures of what it
may see: an FPM its partners', a seller no payments): the funnel per program and month, the outstanding
liability, the vouchers expiring soon, the payments forecast, the review desk's SLA compliance and queue age.

Each figure counts events in the month or week they happened (a voucher in its issue month, an approval in its
decision month; ADR 27), so a month's row does not change when later steps happen."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Trunc, TruncMonth

from offerdesk.accounts.models import User
from offerdesk.catalogue.models import Program
from offerdesk.catalogue.selectors import params_for
from offerdesk.core import dates
from offerdesk.payouts.selectors import payment_list
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.selectors import request_list
from offerdesk.vouchers.choices import LIVE_VOUCHER_STATUSES
from offerdesk.vouchers.selectors import nomination_list, voucher_list

ZERO = Decimal("0.00")
STAGES = ("Nominated", "Issued", "SOW approved", "POE approved", "Paid")
AGE_BUCKETS = ((0, 1, "0–1 business days"), (2, 3, "2–3"), (4, 5, "4–5"), (6, None, "over 5"))


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    first = today.replace(day=1)
    return [dates.add_months(first, -n) for n in range(months - 1, -1, -1)]


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


# ------------------------------------------------------------------------------------------ the funnel


@dataclass
class Funnel:
    """One program: per month, how many reached each stage in that month; and the period's totals."""

    program: str
    months: list[dt.date]
    counts: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[dt.date, list[int]]]:
        return [(m, [self.counts.get(m, {}).get(s, 0) for s in STAGES]) for m in self.months]

    @property
    def totals(self) -> list[tuple[str, int]]:
        return [(s, sum(self.counts.get(m, {}).get(s, 0) for m in self.months)) for s in STAGES]


def _month(value: dt.date | dt.datetime) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.replace(day=1)


def _count_by(qs: QuerySet, *, program: str, moment: str) -> list[dict]:  # type: ignore[type-arg]
    return list(
        qs.annotate(month=TruncMonth(moment))
        .values(program_code=F(program), m=F("month"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )


def paid_payments(*, user: User) -> QuerySet:  # type: ignore[type-arg]
    """The ledger entries paid out, with the moment they were: a payment run fixed their local amount."""
    return payment_list(user=user).filter(conversion__isnull=False).annotate(paid_at=F("conversion__fixed_at"))


def dashboard_funnel(*, user: User, today: dt.date | None = None, months: int = 6) -> list[Funnel]:
    """Per program, the last `months` months: nominated → issued → SOW approved → POE approved → paid (five
    grouped queries, whatever the volume)."""
    today = today or dates.today()
    starts = month_starts(today, months)
    since = starts[0]
    funnels = {
        code: Funnel(program=name, months=starts)
        for code, name in Program.objects.order_by("code").values_list("code", "name")
    }
    approved = request_list(user=user).filter(status=RequestStatus.APPROVED, decided_at__date__gte=since)
    sources = {
        "Nominated": _count_by(
            nomination_list(user=user).filter(nominated_at__date__gte=since),
            program="offer__program__code",
            moment="nominated_at",
        ),
        "Issued": _count_by(
            voucher_list(user=user).filter(issue_date__gte=since), program="offer__program__code", moment="issue_date"
        ),
        "SOW approved": _count_by(
            approved.filter(kind=RequestKind.SOW), program="voucher__offer__program__code", moment="decided_at"
        ),
        "POE approved": _count_by(
            approved.filter(kind=RequestKind.POE), program="voucher__offer__program__code", moment="decided_at"
        ),
        "Paid": _count_by(
            paid_payments(user=user).filter(conversion__fixed_at__date__gte=since),
            program="voucher__offer__program__code",
            moment="conversion__fixed_at",
        ),
    }
    for stage, rows in sources.items():
        for row in rows:
            funnel = funnels.get(row["program_code"])
            if funnel is not None and row["m"] is not None:
                funnel.counts.setdefault(_month(row["m"]), {})[stage] = row["n"]
    return list(funnels.values())


# ------------------------------------------------------------------------------------------ money


@dataclass(frozen=True)
class Liability:
    """What the programs owe: the face value of live vouchers (the most they can still cost), what approvals
    committed, and what of that is not paid yet (all USD)."""

    live_face_value: Decimal
    live_vouchers: int
    committed: Decimal
    committed_unpaid: Decimal

    @property
    def bars(self) -> list[tuple[str, Decimal]]:
        return [
            ("Face value of live vouchers", self.live_face_value),
            ("Committed by approvals", self.committed),
            ("Committed, not paid yet", self.committed_unpaid),
        ]


def dashboard_liability(*, user: User) -> Liability:
    """Three sums, in three queries."""
    live = (
        voucher_list(user=user)
        .filter(status__in=LIVE_VOUCHER_STATUSES)
        .aggregate(face=Coalesce(Sum("face_value"), ZERO), n=Count("pk"))
    )
    payments = payment_list(user=user).aggregate(
        committed=Coalesce(Sum("amount"), ZERO),
        unpaid=Coalesce(Sum("amount", filter=Q(conversion__isnull=True)), ZERO),
    )
    return Liability(live["face"], live["n"], payments["committed"], payments["unpaid"])


@dataclass(frozen=True)
class Expiring:
    """Live vouchers expiring in the next days, per week (Monday first), with their face value."""

    weeks: list[tuple[dt.date, int, Decimal]]

    @property
    def total(self) -> int:
        return sum(n for _, n, _ in self.weeks)


def dashboard_expiring(*, user: User, today: dt.date | None = None, days: int = 30) -> Expiring:
    """Live vouchers whose expiry falls in today … today + `days`, grouped by week in one query."""
    today = today or dates.today()
    until = today + dt.timedelta(days=days)
    rows = (
        voucher_list(user=user)
        .filter(status__in=LIVE_VOUCHER_STATUSES, expiry_date__gte=today, expiry_date__lte=until)
        .annotate(week=Trunc("expiry_date", "week", output_field=DateField()))
        .values("week")
        .annotate(n=Count("pk"), face=Coalesce(Sum("face_value"), ZERO))
        .order_by("week")
    )
    found = {row["week"]: (row["n"], row["face"]) for row in rows}
    weeks = []
    monday = today - dt.timedelta(days=today.weekday())
    while monday <= until:
        n, face = found.get(monday, (0, ZERO))
        weeks.append((monday, n, face))
        monday += dt.timedelta(weeks=1)
    return Expiring(weeks)


def dashboard_forecast(*, user: User, today: dt.date | None = None, months: int = 6) -> list[tuple[dt.date, Decimal]]:
    """The payments not paid yet, by the month they are payable in: overdue ones in this month, then the next
    `months` - 1 months (USD, one query)."""
    today = today or dates.today()
    starts = [dates.add_months(today.replace(day=1), n) for n in range(months)]
    rows = (
        payment_list(user=user)
        .filter(conversion__isnull=True, payable_on__lt=dates.add_months(starts[0], months))
        .annotate(month=TruncMonth("payable_on"))
        .values("month")
        .annotate(usd=Sum("amount"))
        .order_by()
    )
    sums: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        month = max(_month(row["month"]), starts[0])  # overdue: due now
        sums[month] += row["usd"]
    return [(m, sums[m]) for m in starts]


# ------------------------------------------------------------------------------------------ the review desk


@dataclass(frozen=True)
class SlaWeek:
    week: dt.date
    decided: int
    on_time: int

    @property
    def share(self) -> Decimal | None:
        """The share decided by their SLA due date (None: nothing decided that week)."""
        return (Decimal(self.on_time) / Decimal(self.decided)).quantize(Decimal("0.0001")) if self.decided else None


def dashboard_sla(*, user: User, today: dt.date | None = None, weeks: int = 8) -> list[SlaWeek]:
    """Per week of decision, the requests approved or rejected and how many of them by their SLA due date
    (one query; the due date already counts the days a question paused the clock)."""
    today = today or dates.today()
    starts = week_starts(today, weeks)
    decided = (
        request_list(user=user)
        .filter(status__in=(RequestStatus.APPROVED, RequestStatus.REJECTED), decided_at__date__gte=starts[0])
        .values_list("decided_at", "sla_due_on")
    )
    tally: dict[dt.date, list[int]] = {w: [0, 0] for w in starts}
    for decided_at, due in decided:
        day = dates.local_date(decided_at) if decided_at else today
        week = day - dt.timedelta(days=day.weekday())
        if week in tally:
            tally[week][0] += 1
            tally[week][1] += int(day <= due)
    return [SlaWeek(w, *tally[w]) for w in starts]


def dashboard_queue_age(*, user: User, today: dt.date | None = None) -> list[tuple[str, int]]:
    """The requests waiting for a decision by business days since submission (each program's calendar)."""
    today = today or dates.today()
    waiting = (
        request_list(user=user)
        .filter(status__in=(RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO))
        .values_list("submitted_on", "voucher__offer__program__code")
    )
    calendars: dict[str, str] = {}
    counts = dict.fromkeys((label for _, _, label in AGE_BUCKETS), 0)
    for submitted_on, program in waiting:
        if program not in calendars:
            calendars[program] = params_for(program_code=program, on=today)["business_day_calendar"]
        age = dates.business_days_between(submitted_on, today, calendars[program])
        for low, high, label in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                counts[label] += 1
                break
    return list(counts.items())
