"""Row locks on customers: taken only through these helpers."""

from __future__ import annotations

from .models import Customer


def customer_lock(*, customer_id: int) -> None:
    """Serialise nominations and issues for one customer (its one-voucher-per-family limit)."""
    Customer.objects.select_for_update(of=("self",)).filter(pk=customer_id).first()
