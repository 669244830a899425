"""Vouchers' services, one module per concern; import them from here."""

from .choice import voucher_choose_partner
from .deals import deal_record
from .expiry import vouchers_expire
from .issue import voucher_issue
from .lifecycle import (
    voucher_bind_partner,
    voucher_cancel,
    voucher_commit_payment,
    voucher_release_partner,
    voucher_set_status,
)
from .nominations import nomination_create
from .referrals import referral_accept, referral_decline, referrals_lapse
from .reminders import voucher_reminders_send

__all__ = [
    "deal_record",
    "nomination_create",
    "referral_accept",
    "referral_decline",
    "referrals_lapse",
    "voucher_bind_partner",
    "voucher_cancel",
    "voucher_choose_partner",
    "voucher_commit_payment",
    "voucher_issue",
    "voucher_release_partner",
    "voucher_reminders_send",
    "voucher_set_status",
    "vouchers_expire",
]
