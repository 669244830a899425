"""The payments ledger, exchange rates and fixed local amounts: all append-only."""

from __future__ import annotations

from django.conf import settings
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


class ExchangeRate(AppendOnlyModel):
    """Units of a currency per USD from a date on; never edited: a correction is a new entry (I-15, I-22)."""

    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    effective_from = models.DateField()
    created_at = models.DateTimeField()

    append_only_noun = "exchange rates"

    class Meta:
        # For a date with several entries, the latest entered is the one in effect
        ordering = ("currency", "-effective_from", "-created_at", "-id")
        constraints = [
            models.CheckConstraint(name="rate_positive", condition=Q(rate__gt=0)),
        ]
        indexes = [models.Index(fields=("currency", "effective_from"), name="rate_currency_day")]

    def __str__(self) -> str:
        return f"{self.rate} {self.currency}/USD from {self.effective_from}"


class PaymentConversion(AppendOnlyModel):
    """A payment's local amount as a payment run fixed it, at the rate then in effect; never changed (I-15)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="conversion")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    exchange_rate = models.ForeignKey(
        ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="None for USD."
    )
    local_amount = models.DecimalField(max_digits=28, decimal_places=2)
    fixed_at = models.DateTimeField()
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    append_only_noun = "fixed local amounts"

    class Meta:
        ordering = ("fixed_at", "id")
        constraints = [
            models.CheckConstraint(name="conversion_rate_positive", condition=Q(rate__gt=0)),
            models.CheckConstraint(name="conversion_amount_positive", condition=Q(local_amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.local_amount} fixed for payment {self.payment_id}"
