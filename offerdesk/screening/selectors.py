"""Reading screenings: scoped to Microsoft's staff, with their lines and a summary by offer and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Case, Count, Expression, F, Func, QuerySet, Sum, Value, When
from django.db.models.lookups import Exact
from django.db.models.sql.compiler import SQLCompiler

from offerdesk.accounts.access import access_get, access_scoped, access_screening_scope
from offerdesk.accounts.models import User

from .models import OfferResult, Screening, ScreeningLine, ScreeningNomination, cents_to_money, lines_of, rule_ids


class Item(Func):
    """One offer's item of a line's list (`models.PerOffer`), by the offer's position in the screening."""

    output_field = BigIntegerField()

    def __init__(self, column: str, position: int) -> None:
        super().__init__(F(column))
        self.position = int(position)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"({sql})[{self.position + 1}]", list(params)
        return f"json_extract({sql}, '$[{self.position}]')", list(params)


def screening_list(*, user: User) -> QuerySet[Screening]:
    """The screenings the user may see, newest first."""
    return access_scoped(Screening.objects.select_related("created_by"), access_screening_scope(user))


def screening_get_for(*, user: User, key: int) -> Screening:
    """One screening, if the user may see it."""
    return access_get(screening_list(user=user), what="screening", pk=key)


def screening_lines(
    *, screening: Screening, offer_code: str | None = None, eligible: bool | None = None
) -> QuerySet[ScreeningLine]:
    """A screening's lines with their customer, by TPID; with an offer, `eligible` keeps its candidates (True) or
    the rest (False)."""
    qs = lines_of(screening).select_related("screening", "customer").order_by("customer__tpid")
    if offer_code is not None and eligible is not None:
        at = screening.offers.index(offer_code) if offer_code in screening.offers else None
        if at is None:
            return qs.none()
        candidate = Exact(Item("failing", at), 0)
        qs = qs.filter(candidate) if eligible else qs.exclude(candidate)
    return qs


def screening_results(*, screening: Screening) -> Iterator[tuple[str, str, OfferResult]]:
    """Every customer × offer of a screening, streamed in TPID then offer order: (TPID, name, result)."""
    lines = (
        lines_of(screening)
        .order_by("customer__tpid")
        .values_list("customer__tpid", "customer__name", "failing", "caps", "variants")
    )
    names: dict[tuple[int, int], list[str]] = {}
    for tpid, name, failing, caps, variants in lines.iterator(chunk_size=10_000):
        for at, code in enumerate(screening.offers):
            if (at, failing[at]) not in names:
                names[at, failing[at]] = rule_ids(screening.rule_order[code], failing[at])
            cents = caps[at]
            yield (
                tpid,
                name,
                OfferResult(
                    offer=code,
                    failing=failing[at],
                    cap=None if cents is None else cents_to_money(cents),
                    variant=variants[at] or "",
                    rule_ids=names[at, failing[at]],
                ),
            )


def screening_nominations(*, screening: Screening) -> QuerySet[ScreeningNomination]:
    """The nominations made from a screening's lines."""
    return screening.nominations.select_related("offer", "nomination", "line__customer")


def screening_candidates(*, screening: Screening) -> int:
    """How many customer × offer pairs of a screening are candidates (one pass over its lines)."""
    counts: dict[str, Expression] = {
        f"o{at}": Sum(Case(When(Exact(Item("failing", at), 0), then=Value(1)), default=Value(0)))
        for at in range(len(screening.offers))
    }
    if not counts:
        return 0
    totals = lines_of(screening).aggregate(**counts)
    return sum(n or 0 for n in totals.values())


@dataclass
class OfferSummary:
    code: str
    customers: int = 0
    candidates: int = 0
    total_cap: Decimal = Decimal("0.00")
    held_out_by: Counter[str] = field(default_factory=Counter)


def screening_summary(*, screening: Screening) -> list[OfferSummary]:
    """Per offer: how many customers, candidates and their caps in total, and how many each rule keeps out
    (grouped in the database by the lines' masks, so a million lines are a few rows here)."""
    summaries = {code: OfferSummary(code) for code in screening.offers}
    totals = {f"cents_{at}": Sum(Item("caps", at)) for at in range(len(screening.offers))}
    grouped = lines_of(screening).order_by().values("failing").annotate(n=Count("id"), **totals)
    rows: Iterable[dict[str, Any]] = grouped  # type: ignore[assignment]  # the cents_N keys are made here
    for row in rows:
        for at, code in enumerate(screening.offers):
            summary, failing = summaries[code], row["failing"][at]
            summary.customers += row["n"]
            if failing:
                for rule in rule_ids(screening.rule_order[code], failing):
                    summary.held_out_by[rule] += row["n"]
            else:
                summary.candidates += row["n"]
                summary.total_cap += cents_to_money(row[f"cents_{at}"] or 0)
    return list(summaries.values())
