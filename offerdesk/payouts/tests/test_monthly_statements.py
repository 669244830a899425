"""Monthly statements (ADR 25): scheduled by payable date, paid by the day the run item was paid, reversed by the
day entered; opening + scheduled - paid - reversed = closing, in USD and the payout currency; CSV, PDF, and
published once per partner and month by the daily run, the primary contact e-mailed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.partners.models import Partner
from offerdesk.payouts.models import Payment, PaymentRunItem, Statement
from offerdesk.payouts.services import (
    payment_reverse,
    payment_run_create,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
    statements_publish,
)
from offerdesk.payouts.statements import MonthStatement, statement_csv, statement_pdf, statements_for
from offerdesk.payouts.tests.ledger import rate, scheduled_payment
from tests.factories import Cast, audit_events, on, partner_user
from tests.factories import partner as make_partner

APRIL = dt.date(2024, 4, 1)


@pytest.fixture
def infosphere(cast: Cast) -> Partner:
    """Infosphere (INR, 83.4 from 2024-03-01): $14,250.00 payable 2024-03-16, put in a run on 2024-04-20 and paid
    on the 25th; $4,500.00 payable 2024-04-14, in no run yet; $1,500.00 of the first reversed on 2024-05-03."""
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR", primary_contact="frp@infosphere.example")
    partner_user(indian, "ira")
    rate(cast, "INR", "83.4")
    first = scheduled_payment(cast, indian, n=1, users=950)
    scheduled_payment(cast, indian, n=2, users=300, poe="2024-02-12")
    with on("2024-04-20"):
        run = payment_run_create(actor=cast.finance, up_to="2024-03-31")
        payment_run_mark_sent(actor=cast.finance, run=run)
    with on("2024-04-25"):
        payment_run_item_mark_paid(actor=cast.finance, item=PaymentRunItem.objects.get(payment=first))
    with on("2024-05-03"):
        payment_reverse(actor=cast.finance, payment=first, amount="1500", reason="100 users overstated")
    return indian


def totals(statement: MonthStatement) -> list[tuple[str, Decimal, Decimal | None]]:
    return [
        (name, getattr(statement, name).usd, getattr(statement, name).local)
        for name in ("opening", "scheduled", "paid", "reversed", "closing")
    ]


def test_each_month_counts_what_fell_in_it_and_the_balances_carry_over(cast: Cast, infosphere: Partner) -> None:
    D = Decimal
    [march] = statements_for(partners=[infosphere], month=dt.date(2024, 3, 1))
    [april] = statements_for(partners=[infosphere], month=APRIL)
    [may] = statements_for(partners=[infosphere], month=dt.date(2024, 5, 1))
    assert totals(march) == [
        ("opening", D("0"), D("0")),
        ("scheduled", D("14250.00"), D("1188450.00")),
        ("paid", D("0"), D("0")),
        ("reversed", D("0"), D("0")),
        ("closing", D("14250.00"), D("1188450.00")),
    ]
    assert totals(april) == [
        ("opening", D("14250.00"), D("1188450.00")),
        ("scheduled", D("4500.00"), D("375300.00")),  # an estimate at 83.4: no run has fixed it
        ("paid", D("14250.00"), D("1188450.00")),
        ("reversed", D("0"), D("0")),
        ("closing", D("4500.00"), D("375300.00")),
    ]
    assert [(line.day, line.what, line.estimated) for line in april.lines] == [
        (dt.date(2024, 4, 14), "scheduled", True),
        (dt.date(2024, 4, 25), "paid", False),
    ]
    assert totals(may)[3:] == [("reversed", D("1500.00"), D("125100.00")), ("closing", D("3000.00"), D("250200.00"))]
    assert may.lines[0].note == "100 users overstated"


def test_a_local_total_is_unknown_while_a_rate_is(cast: Cast) -> None:
    kanto = make_partner(cast.operator, "Kanto", payout_currency="JPY")
    partner_user(kanto, "ken")
    scheduled_payment(cast, kanto, n=1)
    [march] = statements_for(partners=[kanto], month=dt.date(2024, 3, 1))
    assert (march.scheduled.usd, march.scheduled.local, march.closing.local) == (Decimal("9000.00"), None, None)


def test_statements_are_read_in_a_fixed_number_of_queries(
    cast: Cast, infosphere: Partner, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    scheduled_payment(cast, cast.fabrikam, n=3)
    scheduled_payment(cast, cast.northwind, n=4)
    partners = list(Partner.objects.order_by("pk"))
    with django_assert_num_queries(4):  # type: ignore[operator]
        statements = statements_for(partners=partners, month=APRIL)
    assert [s.partner.name for s in statements] == ["Fabrikam", "Infosphere", "Northwind"]
    with django_assert_num_queries(3):  # type: ignore[operator]
        statements_for(partners=partners[:1], month=APRIL)  # Fabrikam alone is paid in USD: no rates to read


def test_the_csv_and_the_pdf_say_the_same(cast: Cast, infosphere: Partner) -> None:
    [april] = statements_for(partners=[infosphere], month=APRIL)
    rows = list(csv.DictReader(io.StringIO(statement_csv(april).decode("utf-8"))))
    assert [(r["entry"], r["amount_usd"], r["local_amount"], r["note"]) for r in rows] == [
        ("opening balance", "14250.00", "1188450.00", ""),
        ("scheduled", "4500.00", "375300.00", "estimated"),
        ("paid", "-14250.00", "-1188450.00", f"payment run {PaymentRunItem.objects.get().run_id}"),
        ("closing balance", "4500.00", "375300.00", ""),
    ]
    reader = PdfReader(io.BytesIO(statement_pdf(april)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "OfferDesk",
        "Incentive earning statement",
        "Partner: Infosphere",
        "Period: April 2024",
        "Opening balance",
        "$14,250.00",
        "INR 1,188,450.00",
        "INR 375,300.00 (est.)",
        "Closing balance",
        "Page 1",
    ):
        assert expected in text, expected
    assert reader.metadata is not None and "Infosphere" in str(reader.metadata.title)


def test_the_daily_run_publishes_last_months_statements_once_and_emails_the_primary_contact(
    cast: Cast, infosphere: Partner
) -> None:
    # When the statements job runs on May 2nd, then again on the 3rd
    with on("2024-05-02"):
        assert statements_publish(on="2024-05-02") == {"statements": 1}
    with on("2024-05-03"):
        assert statements_publish(on="2024-05-03") == {"statements": 0}
    # Then April's statement of the one partner with payments is published once, its figures kept
    [published] = Statement.objects.all()
    assert (published.partner, published.month, published.emailed_to) == (infosphere, APRIL, "frp@infosphere.example")
    assert (published.figures["paid_usd"], published.figures["closing_local"]) == ("14250.00", "375300.00")
    [mail] = OutboxMessage.objects.filter(kind=NoticeKind.STATEMENT_PUBLISHED)
    assert mail.to == ["frp@infosphere.example"]
    assert "April 2024" in mail.subject and "INR 375,300.00" in mail.body_text
    assert len(audit_events("statement.publish", "done")) == 1
    # And mid-month, nothing is published
    with on("2024-05-15"):
        assert statements_publish(on="2024-05-15") == {"statements": 0}
    assert Payment.objects.count() == 2
