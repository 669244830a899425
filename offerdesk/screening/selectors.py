"""Reading screenings: scoped to Microsoft's staff, with their lines and a summary by offer and rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from offerdesk.accounts.access import access_get, access_scoped, access_screening_scope
from offerdesk.accounts.models import User

from .models import Screening, ScreeningLine, rule_ids


def screening_list(*, user: User) -> QuerySet[Screening]:
    """The screenings the user may see, newest first."""
    return access_scoped(Screening.objects.select_related("created_by"), access_screening_scope(user))


def screening_get_for(*, user: User, key: int) -> Screening:
    """One screening, if the user may see it."""
    return access_get(screening_list(user=user), what="screening", pk=key)


def screening_lines(
    *, screening: Screening, offer_code: str | None = None, eligible: bool | None = None
) -> QuerySet[ScreeningLine]:
    """A screening's lines with their customer and offer, by offer then TPID."""
    qs = screening.lines.select_related("screening", "customer", "offer").order_by("offer__code", "customer__tpid")
    if offer_code is not None:
        qs = qs.filter(offer__code=offer_code)
    if eligible is not None:
        qs = qs.filter(eligible=eligible)
    return qs


@dataclass
class OfferSummary:
    code: str
    customers: int = 0
    candidates: int = 0
    total_cap: Decimal = Decimal("0.00")
    held_out_by: Counter[str] = field(default_factory=Counter)


def screening_summary(*, screening: Screening) -> list[OfferSummary]:
    """Per offer: how many customers, candidates and their caps in total, and how many each rule keeps out
    (grouped in the database by the line's set of rules, so a million lines are a few rows here)."""
    summaries: dict[str, OfferSummary] = {code: OfferSummary(code) for code in screening.offers}
    rows = (
        screening.lines.values("offer__code", "failing")
        .annotate(n=Count("id"), total=Sum("cap"))
        .order_by("offer__code", "failing")
    )
    for row in rows:
        code = row["offer__code"]
        summary = summaries.setdefault(code, OfferSummary(code))
        summary.customers += row["n"]
        if row["failing"]:
            for rule in rule_ids(screening.rule_order[code], row["failing"]):
                summary.held_out_by[rule] += row["n"]
        else:
            summary.candidates += row["n"]
            summary.total_cap += row["total"] or Decimal("0.00")
    return list(summaries.values())
