"""A screening of the whole customer base against the offers on one day, and its lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from offerdesk.core import dates
from offerdesk.core.fields import money_field


class Screening(models.Model):
    """One run: the day it screened for, the offers, and how many customers and candidates it found."""

    on = models.DateField(help_text="The day the rules were evaluated for (a voucher issued on it).")
    offers = models.JSONField(default=list, help_text="The offer codes screened.")
    customers = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0, help_text="Lines on which every rule passes.")
    rule_order = models.JSONField(
        default=dict, help_text="Per offer code, the rule IDs a line's `failing` mask names, bit 0 first."
    )
    created_at = models.DateTimeField(default=dates.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"screening #{self.pk} for {self.on}"


class ScreeningLine(models.Model):
    """One customer under one offer: a candidate with its cap and variant, or the rule IDs that keep it out.

    Written by one INSERT … SELECT per screening (ADR 15): no foreign key is checked by the database (the lines are
    written in the transaction that creates their screening, from the customer and offer tables themselves), and
    only the candidates are indexed, so a million customers' lines cost little more than their writing. The lines
    are never edited but for the nomination made from them."""

    id = models.BigAutoField(primary_key=True)
    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    offer = models.ForeignKey(
        "catalogue.Offer", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    eligible = models.BooleanField()
    cap = money_field(null=True, blank=True, help_text="The highest voucher value, for a candidate.")
    variant = models.CharField(max_length=20, blank=True)
    failing = models.BigIntegerField(help_text="The failing rules as bits, in the screening's rule order.")
    nomination = models.ForeignKey(
        "vouchers.Nomination",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=("screening", "id"), name="screening_line_by_screening"),
            models.Index(
                fields=("screening", "offer"), condition=models.Q(eligible=True), name="screening_line_candidates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} × {self.offer_id}: {self.cap if self.eligible else self.failing}"

    @property
    def rule_ids(self) -> list[str]:
        """The rule IDs that keep the customer out, in ID order (reads the screening and the offer)."""
        return rule_ids(self.screening.rule_order[self.offer.code], self.failing)


def rule_ids(order: list[str], failing: int) -> list[str]:
    """The rule IDs a mask names."""
    return [rule for bit, rule in enumerate(order) if failing >> bit & 1]
