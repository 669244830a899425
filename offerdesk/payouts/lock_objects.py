"""Row locks on payments and payment runs: only through these helpers, always in one order.

The ledger's rows cannot be locked themselves (the application's role may not UPDATE them, ADR 8), so a
payment is guarded by its voucher's lock, the lock every write that moves money takes first (ADR 3)."""

from __future__ import annotations

from collections.abc import Iterable

from offerdesk.vouchers.lock_objects import vouchers_lock

from .models import Payment, PaymentRun, PaymentRunItem


def payments_lock(*, payment_ids: Iterable[int]) -> list[Payment]:
    """Lock the payments' vouchers (in primary-key order, so two runs never deadlock), then re-read the
    payments: what another transaction committed while this one waited is seen."""
    ids = sorted(set(payment_ids))
    voucher_ids = Payment.objects.filter(pk__in=ids).values_list("voucher_id", flat=True)
    vouchers_lock(voucher_ids=voucher_ids)
    return list(Payment.objects.filter(pk__in=ids).order_by("pk"))


def payment_lock(*, payment_id: int) -> Payment:
    """Lock one payment (its voucher) and re-read it."""
    [payment] = payments_lock(payment_ids=[payment_id])
    return payment


def payment_run_lock(*, run_id: int) -> PaymentRun:
    """Lock a run before its status changes or one of its items is settled: the run first, then the item."""
    return PaymentRun.objects.select_for_update().get(pk=run_id)


def payment_run_item_lock(*, item_id: int) -> PaymentRunItem:
    """Lock an item's run, then the item, and re-read it."""
    run_id = PaymentRunItem.objects.filter(pk=item_id).values_list("run_id", flat=True).get()
    payment_run_lock(run_id=run_id)
    return PaymentRunItem.objects.select_for_update(of=("self",)).select_related("run", "payment").get(pk=item_id)
