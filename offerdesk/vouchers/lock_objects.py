"""Row locks that guard money: always taken in primary-key order, only through these helpers."""

from __future__ import annotations

from collections.abc import Iterable

from offerdesk.core.errors import NotFound

from .models import Referral, Voucher


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


def referral_lock(*, referral_id: int) -> Referral:
    """Lock one referral (re-read with its nomination, customer and partner) before answering it."""
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("nomination__offer__program", "nomination__customer", "partner")
        .get(pk=referral_id)
    )
