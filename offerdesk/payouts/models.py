"""The payments ledger, exchange rates and fixed local amounts: all append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from offerdesk.core.fields import money_field
from offerdesk.core.models import AppendOnlyModel, TimeStampedModel

from .choices import LIVE_ITEM_STATUSES, ItemStatus, PaymentKind, RunStatus


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


class PaymentRun(TimeStampedModel):
    """Finance's batch for the payment system: every payment payable up to a date not yet in a run (ADR 24)."""

    up_to = models.DateField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.CREATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    held = models.JSONField(
        default=list, blank=True, help_text="The payments held back, each with why (no rate in effect, say)."
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"payment run {self.pk} up to {self.up_to}"


class PaymentRunItem(TimeStampedModel):
    """One payment in a run, its local amount fixed at the run's creation; pending until the payment system
    says paid or failed. A failed item frees its payment for the next run."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="items")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="run_items")
    conversion = models.ForeignKey(PaymentConversion, on_delete=models.PROTECT, related_name="+")
    amount = money_field("amount (USD)")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    local_amount = models.DecimalField(max_digits=28, decimal_places=2)
    status = models.CharField(max_length=8, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("run", "id")
        constraints = [
            # None twice: a payment is in one live (pending or paid) item at most, whatever runs race (ADR 24)
            models.UniqueConstraint(
                fields=("payment",),
                condition=Q(status__in=LIVE_ITEM_STATUSES),
                name="one_live_item_per_payment",
            ),
            models.UniqueConstraint(fields=("run", "payment"), name="payment_once_per_run"),
            models.CheckConstraint(name="item_amount_positive", condition=Q(amount__gt=0)),
        ]
        indexes = [models.Index(fields=("status", "settled_at"), name="item_status_settled")]

    def __str__(self) -> str:
        return f"payment {self.payment_id} in run {self.run_id} ({self.status})"


class PaymentReversal(AppendOnlyModel):
    """A correction of a paid payment: a new entry that takes back part or all of it, with a reason; the paid
    entry is never changed, and the reversals of a payment never add up to more than it (ADR 24)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="reversals")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payment_reversals")
    amount = money_field("amount (USD)")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6, help_text="The payment's fixed rate.")
    local_amount = models.DecimalField(max_digits=28, decimal_places=2)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    append_only_noun = "reversals"

    class Meta:
        ordering = ("created_at", "id")
        constraints = [models.CheckConstraint(name="reversal_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.amount} USD reversed of payment {self.payment_id}"


class Statement(models.Model):
    """A partner's monthly statement as published: once per partner and month, with its figures then (ADR 25)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="statements")
    month = models.DateField(help_text="The month's first day.")
    published_at = models.DateTimeField()
    emailed_to = models.CharField(max_length=254, blank=True)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ("-month", "partner_id")
        constraints = [
            models.UniqueConstraint(fields=("partner", "month"), name="one_statement_per_partner_and_month"),
        ]

    def __str__(self) -> str:
        return f"statement of {self.partner_id} for {self.month:%Y-%m}"
