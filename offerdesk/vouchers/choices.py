"""The vouchers app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class NominationStatus(models.TextChoices):
    ACTIVE = "active"
    CLOSED = "closed"  # its CSO referral was declined or lapsed
    WITHDRAWN = "withdrawn"


NOMINATION_TRANSITIONS: dict[str, frozenset[str]] = {
    NominationStatus.ACTIVE: frozenset({NominationStatus.CLOSED, NominationStatus.WITHDRAWN}),
}


class ReferralStatus(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.PENDING: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.LAPSED}),
}


class PolicyQuestion(models.TextChoices):
    """The FAQ's questions without an answer (AMB-31): such deals go to manual review."""

    UPSELL_BY_PLAN = "upsell by product plan"
    UPSELL_BY_QUANTITY = "upsell by quantity"
    CSP_TO_EA = "CSP to EA conversion"
    MPSA = "MPSA"


class VoucherStatus(models.TextChoices):
    OPEN = "open"
    REDEEMING = "redeeming"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


VOUCHER_TRANSITIONS: dict[str, frozenset[str]] = {
    VoucherStatus.OPEN: frozenset({VoucherStatus.REDEEMING, VoucherStatus.EXPIRED, VoucherStatus.CANCELLED}),
    VoucherStatus.REDEEMING: frozenset(
        {VoucherStatus.OPEN, VoucherStatus.COMPLETED, VoucherStatus.EXPIRED, VoucherStatus.CANCELLED}
    ),
    # A request submitted before expiry may still be approved afterwards (§3.0 "voucher expiry day").
    VoucherStatus.EXPIRED: frozenset({VoucherStatus.COMPLETED}),
}


LIVE_VOUCHER_STATUSES = (VoucherStatus.OPEN, VoucherStatus.REDEEMING)
