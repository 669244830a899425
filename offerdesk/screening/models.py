"""A screening of the whole customer base against the offers on one day, its lines and what was nominated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from offerdesk.core import dates


class Screening(models.Model):
    """One run: the day it screened for, the offers, and how many customers and candidates it found."""

    on = models.DateField(help_text="The day the rules were evaluated for (a voucher issued on it).")
    offers = models.JSONField(default=list, help_text="The offer codes screened, in the order of a line's lists.")
    customers = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0, help_text="Customer × offer pairs on which every rule passes.")
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


class PerOffer(models.Field):  # type: ignore[type-arg]
    """A list with one item per offer of the line's screening, in the order of `Screening.offers`: a native array
    on PostgreSQL (`bigint[]`, `varchar(20)[]`), JSON text elsewhere. Items may be None."""

    description = "One value per screened offer"

    def __init__(self, *args: Any, of: str = "bigint", **kwargs: Any) -> None:
        self.of = of
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        return name, path, args, kwargs

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return f"{self.of}[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> list[Any] | None:
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value: Any) -> list[Any] | None:
        return json.loads(value) if isinstance(value, str) else value

    def get_db_prep_value(self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False) -> Any:
        if value is None:
            return None
        return list(value) if connection.vendor == "postgresql" else json.dumps(list(value))


@dataclass(frozen=True)
class OfferResult:
    """What a line says of its customer under one offer."""

    offer: str
    failing: int
    cap: Decimal | None  # the highest voucher value, for a candidate
    variant: str  # a candidate's variant, else ""
    rule_ids: list[str]  # the rule IDs that keep the customer out, in ID order

    @property
    def eligible(self) -> bool:
        return self.failing == 0


# A line's id is its screening and its customer: screening × LINE_SPAN + customer (customer ids stay below it).
LINE_SPAN = 2**32


def line_ids(screening_id: int) -> tuple[int, int]:
    """The first and last id a screening's lines can have: its lines are one range of the primary key."""
    return int(screening_id) * LINE_SPAN, int(screening_id) * LINE_SPAN + LINE_SPAN - 1


class ScreeningLine(models.Model):
    """One customer under every offer of its screening: per offer (by its position in `Screening.offers`), the
    failing rules as a bit mask — 0 for a candidate — and a candidate's cap in cents and variant.

    Written by one INSERT … SELECT per screening (ADR 15): one row per customer, not per customer and offer, so a
    million customers are a million rows. No foreign key is checked by the database (the lines are written in
    the transaction that creates their screening, from the customer table itself), and the id is the screening
    and the customer (`LINE_SPAN`, checked by the database), so the primary key is the one index: a screening's
    lines are one range of it (`lines_of`), a customer's line one key. The lines are never edited: a nomination
    made from one is a `ScreeningNomination`."""

    id = models.BigIntegerField(
        primary_key=True, serialize=False, help_text="The screening × 2**32 + the customer (LINE_SPAN)."
    )
    screening = models.ForeignKey(
        # DO_NOTHING: `screening_prune` deletes a screening's lines itself, by their range of the primary key
        Screening,
        on_delete=models.DO_NOTHING,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    failing = PerOffer(of="bigint", help_text="Per offer, the failing rules as bits in the screening's rule order.")
    caps = PerOffer(of="bigint", help_text="Per offer, a candidate's highest voucher value in cents, else null.")
    variants = PerOffer(of="varchar(20)", help_text="Per offer, a candidate's variant, else null.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    customer__gte=0,
                    customer__lt=LINE_SPAN,
                    id=models.F("screening") * LINE_SPAN + models.F("customer"),
                ),
                name="screening_line_id_is_screening_and_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.failing}"

    def result(self, offer: str) -> OfferResult:
        """What the line says under one offer code (reads the screening)."""
        screening = self.screening
        at = screening.offers.index(offer)
        cents = self.caps[at]
        return OfferResult(
            offer=offer,
            failing=self.failing[at],
            cap=None if cents is None else cents_to_money(cents),
            variant=self.variants[at] or "",
            rule_ids=rule_ids(screening.rule_order[offer], self.failing[at]),
        )

    def results(self) -> list[OfferResult]:
        """What the line says under each offer, in the screening's order."""
        return [self.result(offer) for offer in self.screening.offers]


class ScreeningNomination(models.Model):
    """A nomination made from a screening line for one of its offers: at most one per line and offer."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="nominations")
    line = models.ForeignKey(
        ScreeningLine, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    offer = models.ForeignKey("catalogue.Offer", on_delete=models.PROTECT, related_name="+")
    nomination = models.OneToOneField("vouchers.Nomination", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=("line", "offer"), name="screening_nominated_once")]

    def __str__(self) -> str:
        return f"line #{self.line_id} × offer #{self.offer_id}: nomination #{self.nomination_id}"


def lines_of(screening: Screening) -> models.QuerySet[ScreeningLine]:
    """A screening's lines, read through their range of the primary key (the table's one index)."""
    return ScreeningLine.objects.filter(pk__range=line_ids(screening.pk), screening=screening)


def rule_ids(order: list[str], failing: int) -> list[str]:
    """The rule IDs a mask names."""
    return [rule for bit, rule in enumerate(order) if failing >> bit & 1]


def cents_to_money(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
