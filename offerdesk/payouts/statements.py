"""A partner's monthly statement (ADR 25): opening balance, payments scheduled, paid and reversed in the month,
closing balance, in USD and in the payout currency; read set-based for any number of partners, as CSV or PDF.

A payment counts as scheduled in the month of its payable date, as paid in the month its run item was marked
paid, as reversed in the month the reversal was entered (program time zone). The balance is what the partner is
still owed: scheduled - paid - reversed (a reversal takes back part of what was earned)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_payment_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import dates, exports
from offerdesk.core.money import format_local, format_usd, quantize
from offerdesk.documents.generation import pdf_build, pdf_styles
from offerdesk.partners.models import Partner

from .choices import ItemStatus
from .models import ExchangeRate, Payment, PaymentReversal, PaymentRunItem, Statement
from .selectors import RATE_ORDER, USD

SCHEDULED, PAID, REVERSED = "scheduled", "paid", "reversed"


@dataclass
class Sum:
    """USD and local amounts added up; the local one is None once a line's local amount is unknown."""

    usd: Decimal = Decimal("0.00")
    local: Decimal | None = Decimal("0.00")

    def add(self, usd: Decimal, local: Decimal | None) -> None:
        self.usd += usd
        self.local = self.local + local if self.local is not None and local is not None else None

    def subtract(self, usd: Decimal, local: Decimal | None) -> None:
        self.add(-usd, None if local is None else -local)


@dataclass(frozen=True)
class StatementLine:
    """One entry of the month: a payment scheduled, paid or reversed."""

    day: dt.date
    what: str
    payment_id: int
    voucher: str
    usd: Decimal
    local: Decimal | None
    estimated: bool = False  # a scheduled line whose local amount no run has fixed yet
    note: str = ""


@dataclass
class MonthStatement:
    """One partner's month."""

    partner: Partner
    month: dt.date
    currency: str
    opening: Sum = field(default_factory=Sum)
    scheduled: Sum = field(default_factory=Sum)
    paid: Sum = field(default_factory=Sum)
    reversed: Sum = field(default_factory=Sum)
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def closing(self) -> Sum:
        total = Sum(self.opening.usd, self.opening.local)
        total.add(self.scheduled.usd, self.scheduled.local)
        total.subtract(self.paid.usd, self.paid.local)
        total.subtract(self.reversed.usd, self.reversed.local)
        return total

    @property
    def end(self) -> dt.date:
        return dates.end_of_month(self.month)

    @property
    def period(self) -> str:
        return f"{self.month:%B %Y}"

    def figures(self) -> dict[str, str | None]:
        """The totals as text, as a published statement keeps them."""
        out: dict[str, str | None] = {"currency": self.currency}
        for name in ("opening", "scheduled", "paid", "reversed", "closing"):
            total: Sum = getattr(self, name)
            out[f"{name}_usd"] = str(total.usd)
            out[f"{name}_local"] = None if total.local is None else str(total.local)
        return out


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dates.end_of_month(month) + dt.timedelta(days=1)


def statements_for(*, partners: Iterable[Partner], month: dt.date) -> list[MonthStatement]:
    """Each partner's statement for the month, in five queries whatever the number of partners and entries:
    the payments (with fixed local amounts), their currencies' rates, paid items, reversals; by partner name."""
    month = month_start(month)
    end = next_month(month)
    start_at, end_at = dates.local_moment(month, "00:00"), dates.local_moment(end, "00:00")
    statements = {p.pk: MonthStatement(partner=p, month=month, currency=p.payout_currency) for p in partners}
    ids = list(statements)
    payments = list(
        Payment.objects.filter(partner_id__in=ids, payable_on__lt=end)
        .select_related("conversion", "voucher")
        .order_by("payable_on", "pk")
    )
    currencies = {p.currency for p in payments} - {USD}
    rates = list(ExchangeRate.objects.filter(currency__in=currencies).order_by(*RATE_ORDER)) if currencies else []
    for payment in payments:
        statement = statements[payment.partner_id]
        conversion = getattr(payment, "conversion", None)
        if conversion is not None:
            local, estimated = conversion.local_amount, False
        else:
            rate = Decimal(1) if payment.currency == USD else _rate(payment, rates)
            local, estimated = (quantize(payment.amount * rate) if rate is not None else None), True
        if payment.currency != statement.currency:
            local = None
        if payment.payable_on < month:
            statement.opening.add(payment.amount, local)
            continue
        statement.scheduled.add(payment.amount, local)
        statement.lines.append(
            StatementLine(
                payment.payable_on, SCHEDULED, payment.pk, payment.voucher.code, payment.amount, local, estimated
            )
        )
    items = (
        PaymentRunItem.objects.filter(payment__partner_id__in=ids, status=ItemStatus.PAID, settled_at__lt=end_at)
        .select_related("payment__voucher")
        .order_by("settled_at", "pk")
    )
    for item in items:
        assert item.settled_at is not None
        _taken_back(
            statements[item.payment.partner_id], item, PAID, item.settled_at, start_at, f"payment run {item.run_id}"
        )
    reversals = (
        PaymentReversal.objects.filter(partner_id__in=ids, created_at__lt=end_at)
        .select_related("payment__voucher")
        .order_by("created_at", "pk")
    )
    for reversal in reversals:
        _taken_back(statements[reversal.partner_id], reversal, REVERSED, reversal.created_at, start_at, reversal.reason)
    for statement in statements.values():
        statement.lines.sort(key=lambda line: (line.day, line.payment_id))
    return sorted(statements.values(), key=lambda s: s.partner.name)


def _taken_back(
    statement: MonthStatement,
    entry: PaymentRunItem | PaymentReversal,
    what: str,
    at: dt.datetime,
    start_at: dt.datetime,
    note: str,
) -> None:
    """A paid item or a reversal: before the month, it lowers the opening balance; in it, it is a line."""
    local = entry.local_amount if entry.currency == statement.currency else None
    if at < start_at:
        statement.opening.subtract(entry.amount, local)
        return
    (statement.paid if what == PAID else statement.reversed).add(entry.amount, local)
    voucher = entry.payment.voucher.code
    statement.lines.append(
        StatementLine(dates.local_date(at), what, entry.payment_id, voucher, entry.amount, local, note=note)
    )


def _rate(payment: Payment, rates: list[ExchangeRate]) -> Decimal | None:
    return next(
        (r.rate for r in rates if r.currency == payment.currency and r.effective_from <= payment.payable_on), None
    )


# ------------------------------------------------------------------------------------------ scoped reads


def statement_list(*, user: User) -> QuerySet[Statement]:
    """The published statements the user may see: finance and staff all, a partner (or its FPM) its own."""
    return access_scoped(Statement.objects.select_related("partner"), access_payment_scope(user)).order_by(
        "-month", "partner__name"
    )


def statement_get_for(*, user: User, key: int | str) -> MonthStatement:
    """One published statement, computed: another partner's is not found."""
    published = access_get(statement_list(user=user), what="statement", pk=key)
    [statement] = statements_for(partners=[published.partner], month=published.month)
    return statement


# ------------------------------------------------------------------------------------------ files

CSV_HEADER = ("date", "entry", "payment", "voucher", "amount_usd", "currency", "local_amount", "note")


def statement_rows(statement: MonthStatement) -> list[tuple[Any, ...]]:
    """The statement as rows: the opening balance, each entry (paid and reversed negative), the closing balance."""
    end = dates.end_of_month(statement.month)

    def total(day: dt.date, name: str, amount: Sum) -> tuple[Any, ...]:
        return (day, name, "", "", amount.usd, statement.currency, amount.local, "")

    rows: list[tuple[Any, ...]] = [total(statement.month, "opening balance", statement.opening)]
    for line in statement.lines:
        sign = 1 if line.what == SCHEDULED else -1
        local = None if line.local is None else sign * line.local
        note = "estimated" if line.estimated else line.note
        rows.append(
            (line.day, line.what, line.payment_id, line.voucher, sign * line.usd, statement.currency, local, note)
        )
    rows.append(total(end, "closing balance", statement.closing))
    return rows


def statement_csv(statement: MonthStatement) -> bytes:
    return exports.csv_text(CSV_HEADER, statement_rows(statement)).encode("utf-8")


def statement_filename(statement: MonthStatement, extension: str) -> str:
    return f"statement-{statement.partner.pk}-{statement.month:%Y-%m}.{extension}"


def _local(amount: Decimal | None, currency: str) -> str:
    return "—" if amount is None else format_local(amount, currency)


def statement_pdf(statement: MonthStatement) -> bytes:
    """The statement as a PDF: OfferDesk's letterhead, the period and partner, the entries, the totals, page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    styles = pdf_styles()
    currency = statement.currency
    story: list[Any] = [
        Paragraph("OfferDesk", styles["letterhead"]),
        Paragraph("Incentive earning statement", styles["title"]),
        Paragraph(
            f"Partner: <b>{escape(statement.partner.name)}</b><br/>Period: <b>{statement.period}</b> "
            f"({statement.month:%Y-%m-%d} to {dates.end_of_month(statement.month):%Y-%m-%d})<br/>"
            f"Payout currency: <b>{currency}</b>",
            styles["body"],
        ),
        Spacer(1, 6 * mm),
    ]
    head = ["Date", "Entry", "Voucher", "USD", currency]
    rows: list[list[Any]] = [
        head,
        ["", "Opening balance", "", format_usd(statement.opening.usd), _local(statement.opening.local, currency)],
    ]
    for line in statement.lines:
        sign = "" if line.what == SCHEDULED else "-"
        local = _local(line.local, currency) + (" (est.)" if line.estimated and line.local is not None else "")
        rows.append(
            [
                f"{line.day:%Y-%m-%d}",
                line.what.capitalize(),
                Paragraph(escape(line.voucher), styles["small"]),
                sign + format_usd(line.usd),
                sign + local,
            ]
        )
    totals = [
        ("Scheduled in the month", statement.scheduled),
        ("Paid in the month", statement.paid),
        ("Reversed in the month", statement.reversed),
        ("Closing balance", statement.closing),
    ]
    first_total = len(rows)
    rows.extend(["", label, "", format_usd(amount.usd), _local(amount.local, currency)] for label, amount in totals)
    table = Table(rows, colWidths=(24 * mm, 44 * mm, 42 * mm, 32 * mm, 32 * mm), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("FONT", (0, first_total), (-1, -1), "Helvetica-Bold", 9),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cbd2d9")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f7fa")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            "USD is the system of record. Local amounts are fixed when a payment run takes a payment; an estimate "
            "(est.) is at the rate in effect on its payable date. A balance is what is still owed to the partner.",
            styles["small"],
        ),
    ]
    return pdf_build(
        story,
        title=f"OfferDesk statement — {statement.partner.name} — {statement.period}",
        banner=f"OfferDesk | Statement | {statement.partner.name} | {statement.period}",
    )
