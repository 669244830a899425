"""Row locks on redemption requests: the voucher first, then the request, only through these helpers."""

from __future__ import annotations

from offerdesk.vouchers.lock_objects import voucher_lock
from offerdesk.vouchers.models import Voucher

from .models import RedemptionRequest


def request_lock(*, request: RedemptionRequest) -> tuple[RedemptionRequest, Voucher]:
    """Lock the request's voucher first, then re-read the request: one lock order everywhere."""
    voucher = voucher_lock(voucher_id=request.voucher_id)
    locked = RedemptionRequest.objects.select_for_update(of=("self",)).select_related("partner").get(pk=request.pk)
    return locked, voucher
