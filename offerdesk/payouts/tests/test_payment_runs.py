"""Payment runs (ADR 24): every payment payable up to the run's date that no run holds, none twice, none missed;
local amounts fixed at the run (I-15); a failed item goes to the next run; a paid one is corrected by reversal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from offerdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from offerdesk.payouts.choices import ItemStatus, RunStatus
from offerdesk.payouts.models import Payment, PaymentConversion, PaymentReversal, PaymentRun, PaymentRunItem
from offerdesk.payouts.services import (
    payment_fix_local_amount,
    payment_reverse,
    payment_run_create,
    payment_run_export,
    payment_run_item_mark_failed,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)
from offerdesk.payouts.tests.ledger import rate, scheduled_payment
from tests.factories import Cast, audit_events, on, partner_user, snapshot
from tests.factories import partner as make_partner


def run_on(cast: Cast, up_to: str, *, day: str = "2024-04-20") -> PaymentRun:
    with on(day):
        return payment_run_create(actor=cast.finance, up_to=up_to)


def items_of(run: PaymentRun) -> list[tuple[int, Decimal, str, Decimal, Decimal, str]]:
    return [
        (i.payment_id, i.amount, i.currency, i.rate, i.local_amount, i.status)
        for i in PaymentRunItem.objects.filter(run=run).order_by("payment_id")
    ]


def sent(cast: Cast, run: PaymentRun) -> PaymentRun:
    with on("2024-04-21"):
        return payment_run_mark_sent(actor=cast.finance, run=run)


def paid(cast: Cast, payment: Payment) -> PaymentRunItem:
    item = PaymentRunItem.objects.get(payment=payment, status=ItemStatus.PENDING)
    with on("2024-04-25"):
        return payment_run_item_mark_paid(actor=cast.finance, item=item)


@pytest.fixture
def ledger(cast: Cast) -> dict[str, Payment]:
    """Fabrikam (USD) owed $9,000.00 payable 2024-03-16 and $4,500.00 payable 2024-04-14; Infosphere (INR, 83.4
    from 2024-03-01) owed $14,250.00 payable 2024-03-16; Kanto (JPY, no rate entered) owed $6,000.00 then."""
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    japanese = make_partner(cast.operator, "Kanto", payout_currency="JPY")
    partner_user(indian, "ira")
    partner_user(japanese, "ken")
    rate(cast, "INR", "83.4")
    return {
        "fabrikam_march": scheduled_payment(cast, cast.fabrikam, n=1),
        "fabrikam_april": scheduled_payment(cast, cast.fabrikam, n=2, users=300, poe="2024-02-12"),
        "infosphere": scheduled_payment(cast, indian, n=3, users=950),
        "kanto": scheduled_payment(cast, japanese, n=4, users=400),
    }


def test_a_run_takes_what_is_payable_up_to_its_date_and_fixes_the_local_amounts(
    cast: Cast, ledger: dict[str, Payment]
) -> None:
    # When finance creates a run up to the end of March
    run = run_on(cast, "2024-03-31")
    # Then it holds March's USD and INR payments, at 1 and at 83.4, the local amounts fixed for good (I-15)
    f, i, k = ledger["fabrikam_march"], ledger["infosphere"], ledger["kanto"]
    assert (run.status, run.up_to, run.created_by) == (RunStatus.CREATED, dt.date(2024, 3, 31), cast.finance)
    assert items_of(run) == [
        (f.pk, Decimal("9000.00"), "USD", Decimal(1), Decimal("9000.00"), ItemStatus.PENDING),
        (i.pk, Decimal("14250.00"), "INR", Decimal("83.4"), Decimal("1188450.00"), ItemStatus.PENDING),
    ]
    assert PaymentConversion.objects.get(payment=i).local_amount == Decimal("1188450.00")
    # and the JPY payment, without a rate, is held back, saying why; April's waits for a later run
    assert [(h["payment"], h["reason"]) for h in run.held] == [(k.pk, "no JPY rate is in effect on 2024-03-16")]
    [event] = audit_events("payment_run.create", "done")
    assert event.data["items"] == 2 and event.data["held"] == [k.pk]
    assert len(audit_events("payment.fix_local_amount", "done")) == 2


def test_a_second_run_takes_none_twice_and_the_held_one_once_it_has_a_rate(
    cast: Cast, ledger: dict[str, Payment]
) -> None:
    first = run_on(cast, "2024-03-31")
    # When a second run goes up to April, after finance entered a JPY rate
    rate(cast, "JPY", "150.25")
    second = run_on(cast, "2024-04-30")
    # Then it takes April's payment and the JPY one, and none of the first run's
    assert [row[0] for row in items_of(second)] == [ledger["fabrikam_april"].pk, ledger["kanto"].pk]
    assert items_of(second)[1][3:5] == (Decimal("150.25"), Decimal("901500.00"))
    assert second.held == []
    # And a third finds nothing waiting, and says so, writing nothing
    before = snapshot()
    with on("2024-04-20"), pytest.raises(InvalidInput, match="no payment payable up to 2024-04-30 is waiting"):
        payment_run_create(actor=cast.finance, up_to="2024-04-30")
    assert snapshot() == before
    assert PaymentRunItem.objects.filter(run=first).count() == 2


def test_a_run_keeps_a_local_amount_already_fixed(cast: Cast, ledger: dict[str, Payment]) -> None:
    # Given the INR payment's local amount was fixed at 83.4, and the rate corrected since to 84
    with on("2024-03-20"):
        payment_fix_local_amount(actor=cast.finance, payment=ledger["infosphere"])
    rate(cast, "INR", "84")
    # When a run takes it; Then at the fixed amount, not the correction (I-22: a correction changes no fixed one)
    run = run_on(cast, "2024-03-31")
    assert items_of(run)[1][3:5] == (Decimal("83.4"), Decimal("1188450.00"))
    assert PaymentConversion.objects.filter(payment=ledger["infosphere"]).count() == 1


def test_sent_then_paid_and_failed_closes_the_run_and_the_failed_one_goes_to_the_next(
    cast: Cast, ledger: dict[str, Payment]
) -> None:
    run = run_on(cast, "2024-03-31")
    fabrikam, infosphere = (
        PaymentRunItem.objects.get(run=run, payment=ledger[k]) for k in ("fabrikam_march", "infosphere")
    )
    # Items are not settled before the run is sent
    with on("2024-04-21"), pytest.raises(IllegalTransition, match="settled once it is sent"):
        payment_run_item_mark_paid(actor=cast.finance, item=fabrikam)
    sent(cast, run)
    # When the payment system pays Fabrikam's, twice over, and fails Infosphere's
    with on("2024-04-25"):
        first = payment_run_item_mark_paid(actor=cast.finance, item=fabrikam)
        again = payment_run_item_mark_paid(actor=cast.finance, item=fabrikam)
        payment_run_item_mark_failed(actor=cast.finance, item=infosphere, reason="IBAN refused by the bank")
    # Then paid once (one event, the first moment), and the run is closed with nothing pending
    assert (again.status, again.settled_at, again.settled_by) == (ItemStatus.PAID, first.settled_at, cast.finance)
    assert len(audit_events("payment_run_item.mark_paid", "done")) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED and run.closed_at is not None
    infosphere.refresh_from_db()
    assert (infosphere.status, infosphere.failure_reason) == (ItemStatus.FAILED, "IBAN refused by the bank")
    # And a paid item cannot be failed after all (a correction is a reversal)
    with on("2024-04-26"), pytest.raises(IllegalTransition):
        payment_run_item_mark_failed(actor=cast.finance, item=fabrikam, reason="changed our mind")
    # And the next run takes the failed payment again, at the amount fixed the first time
    rate(cast, "INR", "90")
    following = run_on(cast, "2024-03-31", day="2024-05-02")
    assert [(p, r, local) for p, _, _, r, local, _ in items_of(following)] == [
        (ledger["infosphere"].pk, Decimal("83.4"), Decimal("1188450.00"))
    ]


def test_a_paid_payment_is_corrected_by_reversals_never_above_what_was_paid(
    cast: Cast, ledger: dict[str, Payment]
) -> None:
    infosphere = ledger["infosphere"]
    # A payment not yet paid cannot be reversed
    with on("2024-04-22"), pytest.raises(InvalidInput, match="is not paid"):
        payment_reverse(actor=cast.finance, payment=infosphere, amount="100", reason="overstated users")
    run = run_on(cast, "2024-03-31")
    sent(cast, run)
    paid(cast, infosphere)
    ledger_before = list(Payment.objects.values_list())
    # When finance reverses $1,500.00 of the $14,250.00 (100 users were not eligible), then $12,750.00 more
    with on("2024-05-03"):
        first = payment_reverse(
            actor=cast.finance, payment=infosphere, amount="1,500.00", reason="100 users overstated"
        )
        payment_reverse(actor=cast.finance, payment=infosphere, amount="12750.00", reason="the customer churned")
    # Then two new entries at the payment's fixed rate, the paid entry unchanged
    assert (first.amount, first.currency, first.rate, first.local_amount, first.partner) == (
        Decimal("1500.00"),
        "INR",
        Decimal("83.4"),
        Decimal("125100.00"),
        infosphere.partner,
    )
    assert list(Payment.objects.values_list()) == ledger_before
    # And one cent more is refused: the reversals never exceed what was paid, and nothing is written
    before = snapshot()
    with on("2024-05-04"), pytest.raises(InvalidInput, match=r"at most \$0\.00 may be reversed, not \$0\.01"):
        payment_reverse(actor=cast.finance, payment=infosphere, amount="0.01", reason="one more")
    assert snapshot() == before
    assert PaymentReversal.objects.filter(payment=infosphere).count() == 2
    assert [e.data["amount"] for e in audit_events("payment.reverse", "done")] == ["1500.00", "12750.00"]
    assert len(audit_events("payment.reverse", "refused")) == 2


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "a reason", "amount: a reversal is above zero"),
        ("-5.00", "a reason", "amount:"),
        ("1e3", "a reason", "amount:"),
        ("100", "   ", "reason: is required"),
        ("100", "x" * 501, "reason: has at most 500 characters"),
    ],
)
def test_a_bad_reversal_is_refused_and_nothing_is_written(
    cast: Cast, ledger: dict[str, Payment], amount: str, reason: str, message: str
) -> None:
    run = run_on(cast, "2024-03-31")
    sent(cast, run)
    paid(cast, ledger["fabrikam_march"])
    before = snapshot()
    with on("2024-05-03"), pytest.raises(InvalidInput, match=message):
        payment_reverse(actor=cast.finance, payment=ledger["fabrikam_march"], amount=amount, reason=reason)
    assert snapshot() == before


def test_only_finance_runs_payments(cast: Cast, ledger: dict[str, Payment]) -> None:
    for actor in (cast.operator, cast.reviewer, cast.auditor, cast.pat, None):
        with on("2024-04-20"), pytest.raises(PermissionDenied):
            payment_run_create(actor=actor, up_to="2024-03-31")
    assert not PaymentRun.objects.exists()
    run = run_on(cast, "2024-03-31")
    item = PaymentRunItem.objects.filter(run=run).first()
    assert item is not None
    for call in (
        lambda: payment_run_mark_sent(actor=cast.operator, run=run),
        lambda: payment_run_item_mark_paid(actor=cast.reviewer, item=item),
        lambda: payment_run_item_mark_failed(actor=cast.pat, item=item, reason="no"),
        lambda: payment_reverse(actor=cast.operator, payment=item.payment, amount="1", reason="no"),
    ):
        with on("2024-04-21"), pytest.raises(PermissionDenied):
            call()
    assert PaymentRun.objects.get().status == RunStatus.CREATED
    assert len(audit_events("payment_run.create", "denied")) == 5


def test_a_bad_date_is_refused(cast: Cast) -> None:
    for bad in ("31/03/2024", "2024-02-30", "", dt.datetime(2024, 3, 31)):
        with on("2024-04-20"), pytest.raises(InvalidInput, match="up to:"):
            payment_run_create(actor=cast.finance, up_to=bad)  # type: ignore[arg-type]


def test_a_run_exports_for_the_payment_system_as_csv_and_xlsx(cast: Cast, ledger: dict[str, Payment]) -> None:
    import csv
    import io

    import openpyxl

    # Given a run, and a partner whose name a spreadsheet would read as a formula
    evil = make_partner(
        cast.operator,
        "=HYPERLINK(1)",
        primary_contact="ops@evil.example",
        program_manager="fpm@fasttrack.example",
    )
    partner_user(evil, "eve")
    formula = scheduled_payment(cast, evil, n=9)
    run = run_on(cast, "2024-03-31")
    # When finance exports it as CSV and as XLSX
    with on("2024-04-21"):
        as_csv = payment_run_export(actor=cast.finance, run=run, file_format="csv")
        as_xlsx = payment_run_export(actor=cast.finance, run=run, file_format="xlsx")
    # Then both read back with every item, amounts as written, the formula made harmless
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8"))))
    assert as_csv.name == f"payment-run-{run.pk}-20240331.csv"
    assert [(r["partner"], r["amount_usd"], r["currency"], r["rate"], r["local_amount"]) for r in rows] == [
        ("'=HYPERLINK(1)", "9000.00", "USD", "1.000000", "9000.00"),
        ("Fabrikam", "9000.00", "USD", "1.000000", "9000.00"),
        ("Infosphere", "14250.00", "INR", "83.400000", "1188450.00"),
    ]
    assert {int(r["payment"]) for r in rows} == {formula.pk, ledger["fabrikam_march"].pk, ledger["infosphere"].pk}
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content), read_only=True).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("run", "item", "partner")
    assert [(c[2], c[8], c[11]) for c in cells[1:]] == [
        ("'=HYPERLINK(1)", 9000, 9000),
        ("Fabrikam", 9000, 9000),
        ("Infosphere", 14250, 1188450),
    ]
    assert [e.data["format"] for e in audit_events("payment_run.export", "done")] == ["csv", "xlsx"]
    with on("2024-04-21"), pytest.raises(PermissionDenied):
        payment_run_export(actor=cast.reviewer, run=run, file_format="csv")
    with on("2024-04-21"), pytest.raises(InvalidInput, match="format:"):
        payment_run_export(actor=cast.finance, run=run, file_format="pdf")


def test_the_database_refuses_a_second_live_item_for_a_payment(cast: Cast, ledger: dict[str, Payment]) -> None:
    # The backstop under the locks: whatever path writes items, a payment is pending or paid in one run at most
    first = run_on(cast, "2024-03-31")
    item = PaymentRunItem.objects.filter(run=first).first()
    assert item is not None
    with on("2024-04-21"):
        other = PaymentRun.objects.create(up_to=dt.date(2024, 3, 31), created_by=cast.finance)
    twin = PaymentRunItem(
        run=other,
        payment=item.payment,
        conversion=item.conversion,
        amount=item.amount,
        currency=item.currency,
        rate=item.rate,
        local_amount=item.local_amount,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # A failed item frees the payment: the same row is then accepted
    PaymentRunItem.objects.filter(pk=item.pk).update(status=ItemStatus.FAILED)
    twin.save()
    assert PaymentRunItem.objects.filter(payment=item.payment).count() == 2
