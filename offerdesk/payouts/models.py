"""The payments ledger (append-only) and exchange rates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from offerdesk.core.fields import money_field
from offerdesk.core.models import AppendOnlyModel

from .choices import PaymentKind


class Payment(AppendOnlyModel):
    """A ledger entry: what a partner is owed for one approved request, and when. Never changed."""

    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.PROTECT, related_name="payments")
    request = models.ForeignKey("redemptions.RedemptionRequest", on_delete=models.PROTECT, related_name="payments")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    amount = money_field("amount (USD)")
    payable_on = models.DateField()
    currency = models.CharField(max_length=3, help_text="The partner's payout currency.")
    basis = models.JSONField(default=dict, help_text="How the amount was computed.")
    created_at = models.DateTimeField()

    append_only_noun = "ledger entries"

    class Meta:
        ordering = ("payable_on", "id")
        constraints = [
            models.UniqueConstraint(fields=("request",), name="one_payment_per_request"),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.amount} USD to {self.partner_id} on {self.payable_on}"


class ExchangeRate(models.Model):
    """Units of a currency per USD, in effect from a date until the next rate."""

    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    effective_from = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("currency", "-effective_from")
        constraints = [
            models.UniqueConstraint(fields=("currency", "effective_from"), name="one_rate_per_currency_and_day"),
            models.CheckConstraint(name="rate_positive", condition=Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.rate} {self.currency}/USD from {self.effective_from}"
