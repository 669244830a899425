"""The Customer Success Offer's rules (rule book §2A)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from offerdesk.catalogue.params import Params
from offerdesk.core.errors import Finding
from offerdesk.core.money import quantize

from .common import ecif, family_limit, sector_rules
from .facts import Situation, check, fail, ok


def in_scope_seats(s: Situation) -> tuple[int, int]:
    """Paid and in-use seats of the in-scope SKUs only (CSO-ELIG-03)."""
    skus = set(s.offer.seat_skus)
    paid = sum(n for sku, n in s.customer.seats_paid.items() if sku in skus)
    in_use = sum(n for sku, n in s.customer.seats_in_use.items() if sku in skus)
    return paid, in_use


def tier_for(seats: int, params: Params) -> tuple[int, Decimal] | None:
    """The tier (1-based) and voucher maximum for a seat count, or None below the first tier."""
    bounds: list[int] = params["cso.tier_bounds"]
    caps: list[Decimal] = params["cso.tier_caps"]
    found = None
    for index, (low, cap) in enumerate(zip(bounds, caps, strict=False)):
        if seats >= low:
            found = (index + 1, cap)
    return found


def gen_01(s: Situation) -> Finding:
    start: dt.date = s.params["cso.offer_start"]
    end: dt.date | None = s.params["cso.offer_end"]
    if s.on < start:
        return fail("CSO-GEN-01", f"the offer starts on {start}; nothing is nominated or issued before it ({s.on})")
    if end is not None and s.on > end:
        return fail("CSO-GEN-01", f"the offer ended on {end}")
    return ok("CSO-GEN-01", "the offer is open")


def gen_02(s: Situation) -> Finding:
    if s.partner is None:
        return fail("CSO-NOM-02", "a CSO nomination maps exactly one FastTrack Ready Partner")
    return check(
        "CSO-GEN-02",
        s.partner.approved,
        f"{s.partner.name} is {'' if s.partner.approved else 'not '}on the approved FRP list",
    )


def elig_03(s: Situation) -> Finding:
    paid, _ = in_scope_seats(s)
    return check(
        "CSO-ELIG-03",
        paid > 0,
        f"{paid} purchased seats of {', '.join(s.offer.seat_skus)}"
        if paid
        else f"the customer owns no purchased seats of {', '.join(s.offer.seat_skus)}",
    )


def elig_04(s: Situation) -> Finding:
    threshold: Decimal = s.params["cso.mau_threshold"]
    needed: int = s.params["cso.mau_min_workloads"]
    low = [w for w in s.offer.workloads if w in s.customer.mau and s.customer.mau[w] < threshold]
    return check(
        "CSO-ELIG-04",
        len(low) >= needed,
        f"{len(low)} workload(s) below {threshold:.0%} monthly active usage"
        f"{' (' + ', '.join(low) + ')' if low else ''}; at least {needed} are needed",
    )


def elig_05(s: Situation) -> Finding:
    paid, _ = in_scope_seats(s)
    first = s.params["cso.tier_bounds"][0]
    return check(
        "CSO-ELIG-05",
        tier_for(paid, s.params) is not None,
        f"{paid} seats; the lowest tier starts at {first} seats",
    )


def eng_01(s: Situation) -> Finding:
    if s.respond_by is None:
        return ok("CSO-ENG-01", "no referral window applies")
    return check(
        "CSO-ENG-01",
        s.on <= s.respond_by,
        f"the partner had until {s.respond_by} to accept the referral; {s.on} is too late"
        if s.on > s.respond_by
        else f"accepted by {s.respond_by}",
    )


def nomination_findings(s: Situation) -> list[Finding]:
    """Everything checked when Microsoft nominates a customer (and again at issue)."""
    return [
        gen_01(s),
        gen_02(s),
        *sector_rules(s, allowed_rule="CSO-ELIG-01", excluded_rule="CSO-ELIG-02"),
        elig_03(s),
        elig_04(s),
        elig_05(s),
        *family_limit(s),
        ecif(s, "CSO-ELIG-07"),
    ]


def issue_findings(s: Situation) -> list[Finding]:
    return [*nomination_findings(s), eng_01(s)]


def voucher_terms(s: Situation) -> tuple[Decimal, int, int]:
    """The voucher maximum, paid seats and unused seats at issue (CSO-TIER-01..03, AMB-04)."""
    paid, in_use = in_scope_seats(s)
    tier = tier_for(paid, s.params)
    assert tier is not None, "issue_findings already refused a seat count below the first tier"
    return quantize(tier[1]), paid, max(paid - in_use, 0)


def users_threshold_met(count: int, params: Params) -> bool:
    minimum: int = params["cso.min_users"]
    return count >= minimum if params["cso.min_users_inclusive"] else count > minimum


def _threshold_words(params: Params) -> str:
    return f"{'at least' if params['cso.min_users_inclusive'] else 'more than'} {params['cso.min_users']}"


def wl_02(params: Params, workload_users: dict[str, int], workloads: list[str]) -> Finding:
    needed: int = params["cso.min_workloads"]
    counted = [w for w in workloads if users_threshold_met(int(workload_users.get(w, 0)), params)]
    return check(
        "CSO-WL-02",
        len(counted) >= needed,
        f"{len(counted)} eligible workload(s) with {_threshold_words(params)} deployed users; {needed} are needed",
    )


def usr_01(params: Params, users: int | None, *, what: str = "reported") -> Finding:
    if users is None:
        return fail("CSO-USR-01", "the POE must state the number of users deployed")
    return check(
        "CSO-USR-01",
        users_threshold_met(users, params),
        f"{users} {what} users; the deployment needs {_threshold_words(params)}",
    )


def eligible_users(
    params: Params, *, poe: int, verified: int | None, paid: int, unused_at_issue: int | None
) -> tuple[int, dict[str, int]]:
    """The users that are paid for: the minimum of the configured figures (CSO-USR-04)."""
    figures = {"poe": poe, "verified": verified, "paid": paid, "unused_at_issue": unused_at_issue}
    used = {k: v for k, v in figures.items() if k in params["cso.user_cap"] and v is not None}
    return (min(used.values()) if used else poe), used


def payout(params: Params, *, users: int, voucher_max: Decimal) -> Decimal:
    """Rate × users, never above the voucher's maximum (CSO-PAY-01, -02, AMB-03)."""
    rate: Decimal = params["cso.rate_per_user"]
    if params["cso.cap_mode"] == "seat_floor":
        users = min(users, int(voucher_max // rate))
    return quantize(min(rate * users, voucher_max))
