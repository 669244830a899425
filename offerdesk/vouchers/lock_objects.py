"""Row locks that guard money: always taken in primary-key order, only through these helpers."""

from __future__ import annotations

from collections.abc import Iterable

from offerdesk.core.errors import NotFound
from offerdesk.customers.models import Customer

from .models import Voucher


def voucher_lock(*, voucher_id: int) -> Voucher:
    """Lock one voucher for the rest of the transaction."""
    locked = vouchers_lock(voucher_ids=[voucher_id])
    if not locked:
        raise NotFound("no such voucher")
    return locked[0]


def vouchers_lock(*, voucher_ids: Iterable[int]) -> list[Voucher]:
    """Lock several vouchers, in primary-key order so that two transactions never deadlock."""
    ids = sorted(set(voucher_ids))
    return list(
        Voucher.objects.select_for_update(of=("self",))
        .select_related("offer", "customer", "partner")
        .filter(id__in=ids)
        .order_by("id")
    )


def customer_lock(*, customer_id: int) -> None:
    """Serialise nominations and issues for one customer (its one-voucher-per-family limit)."""
    Customer.objects.select_for_update(of=("self",)).filter(pk=customer_id).first()
