"""Rules both rule books share, parameterised by the offer's data (sectors, family limit, ECIF, dates)."""

from __future__ import annotations

import datetime as dt

from offerdesk.core.errors import Finding

from .facts import CustomerFacts, Situation, check, fail, ok


def sector_rules(s: Situation, *, allowed_rule: str, excluded_rule: str) -> list[Finding]:
    """The customer's sector must be listed as eligible and not listed as excluded."""
    sector = s.customer.sector
    excluded = sector in s.offer.excluded_sectors
    return [
        check(
            allowed_rule,
            sector in s.offer.eligible_sectors and not excluded,
            f"{sector} customers are {'' if sector in s.offer.eligible_sectors else 'not '}among the eligible "
            f"types ({', '.join(s.offer.eligible_sectors)})",
        ),
        check(
            excluded_rule,
            not excluded,
            f"{sector} customers are excluded from the {s.offer.name}"
            if excluded
            else f"{sector} is not an excluded type",
        ),
    ]


def held_in_family(customer: CustomerFacts, family: str, *, counts_expired: bool) -> list[str]:
    """Voucher IDs of the family that the TPID holds, for its one-voucher limit."""
    return [
        h.code for h in customer.held if h.family == family and not h.cancelled and (counts_expired or not h.expired)
    ]


def family_limit(s: Situation) -> list[Finding]:
    """One voucher per TPID and offer family (CSO-ELIG-06, MWS-LIM-01, COP-03/MWS-LIM-02)."""
    held = held_in_family(s.customer, s.offer.family, counts_expired=s.params["tpid_limit_counts_expired"])
    if held:
        return [
            fail(rule, f"TPID {s.customer.tpid} already holds a voucher of this kind ({', '.join(held)})")
            for rule in s.offer.limit_rules
        ]
    return [ok(rule, "no voucher of this kind held yet") for rule in s.offer.limit_rules]


def ecif(s: Situation, rule: str) -> Finding:
    return check(
        rule,
        not s.customer.ecif_funded,
        "the deployment is funded by ECIF, which this offer cannot be combined with"
        if s.customer.ecif_funded
        else "not ECIF-funded",
    )


def submitted_in_time(*, on: dt.date, expiry: dt.date, same_day_ok: bool, rule: str, what: str) -> Finding:
    """A request is on time only if submitted strictly before the expiry date (AMB-08)."""
    in_time = on < expiry or (same_day_ok and on == expiry)
    return check(
        rule,
        in_time,
        f"the {what} was submitted on {on}, but the voucher expires on {expiry} and requests must come "
        f"{'by' if same_day_ok else 'before'} then"
        if not in_time
        else f"submitted before {expiry}",
    )
