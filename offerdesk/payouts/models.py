"""The payments ledger (append-only) and exchange rates."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from offerdesk.audit.models import AppendOnlyQuerySet


class PaymentKind(models.TextChoices):
    INITIAL = "initial", "Initial payment (SOW)"
    FINAL = "final", "Final payment (POE)"
    SINGLE = "single", "Single payment (POE)"


class Payment(models.Model):
    """A ledger entry: what a partner is owed for one approved request, and when. Never changed."""

    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.PROTECT, related_name="payments")
    request = models.ForeignKey("redemptions.RedemptionRequest", on_delete=models.PROTECT, related_name="payments")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    amount = models.DecimalField("amount (USD)", max_digits=14, decimal_places=2)
    payable_on = models.DateField()
    currency = models.CharField(max_length=3, help_text="The partner's payout currency.")
    basis = models.JSONField(default=dict, help_text="How the amount was computed.")
    created_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("payable_on", "id")
        constraints = [
            models.UniqueConstraint(fields=("request",), name="one_payment_per_request"),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.amount} USD to {self.partner_id} on {self.payable_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("ledger entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("ledger entries are never deleted")


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
