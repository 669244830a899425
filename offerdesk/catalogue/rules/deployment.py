"""The FY24 deployment offers' rules (rule book §2B) and the Copilot offer (§2C), driven by the caps tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from offerdesk.catalogue.params import Params
from offerdesk.catalogue.schema import Band, Variant
from offerdesk.core.errors import Finding
from offerdesk.core.money import format_usd, quantize

from .common import ecif, family_limit, sector_rules
from .facts import DealFacts, Situation, check, fail, ok


def elig_04(s: Situation) -> Finding:
    """Prior Microsoft 365 E3 licences, counted on the baseline date, must stay below the segment's limit."""
    limit = s.program.file.prior_e3_limit.get(s.customer.segment)  # type: ignore[call-overload]
    if limit is None:
        return ok("MWS-ELIG-04", "no prior-licence limit for this segment")
    baseline: dt.date = s.params["mws.e3_baseline_date"]
    counts = sorted(
        (as_of, qty) for sku, qty, as_of in s.customer.prior_licences if sku == "Microsoft 365 E3" and as_of <= baseline
    )
    owned = counts[-1][1] if counts else 0
    return check(
        "MWS-ELIG-04",
        owned < limit,
        f"{owned} Microsoft 365 E3 licences owned on {baseline}; {s.customer.segment} customers "
        f"must own fewer than {limit}",
    )


def nomination_findings(s: Situation) -> list[Finding]:
    """Checked when the field nominates a customer, and again when a voucher is issued or quoted."""
    return [
        *sector_rules(s, allowed_rule="MWS-ELIG-01", excluded_rule="MWS-ELIG-02"),
        elig_04(s),
        ecif(s, "MWS-ELIG-06"),
        *family_limit(s),
    ]


def _deal_findings(s: Situation, deal: DealFacts) -> list[Finding]:
    start: dt.date = s.params["mws.purchase_from"]
    end: dt.date = s.params["mws.purchase_to"]
    findings = [
        check(
            "MWS-GEN-01",
            start <= deal.close_date <= end,
            f"the purchase closed on {deal.close_date}; the offer covers purchases from {start} to {end}",
        ),
        check(
            "MWS-NOM-03",
            s.on >= deal.close_date,
            f"a voucher is issued only after the purchase closes ({deal.close_date})",
        ),
        check("MWS-ELIG-03", deal.upsell_attested, "the deal must drive upsell or expansion"),
        check(
            "MWS-ELIG-03",
            not deal.policy_questions or bool(s.policy_decision.strip()),
            f"the rule book does not say whether {', '.join(deal.policy_questions)} qualifies: a program operator "
            "must decide, and say why, when issuing (AMB-31)",
        ),
    ]
    if s.nominated_at is None:
        findings.append(fail("MWS-NOM-02", f"the customer has not been nominated for the {s.offer.name}"))
    elif deal.closed_at is not None:
        findings.append(
            check(
                "MWS-NOM-02",
                s.nominated_at < deal.closed_at,
                "the customer must be nominated before the deal closes",
            )
        )
    else:
        assert s.nominated_on is not None
        findings.append(
            check(
                "MWS-NOM-02",
                s.nominated_on < deal.close_date,
                f"nominated on {s.nominated_on}; the nomination must come before the deal closed on {deal.close_date}",
            )
        )
    if s.offer.requires_migration:
        assert s.offer.migration_rule is not None
        sources = deal.migration & set(s.offer.requires_migration)
        findings.append(
            check(
                s.offer.migration_rule,
                bool(sources),
                f"the {s.offer.name} needs a migration from "
                f"{' or '.join(s.offer.requires_migration)}; the deal records "
                f"{', '.join(sorted(deal.migration)) or 'none'}",
            )
        )
    return findings


def sku_findings(s: Situation, variant: Variant, deal: DealFacts) -> list[Finding]:
    """Does the deal carry the variant's workloads? FLW counts only when attached (MWS-SKU-01..03, COP-01)."""
    skus = s.program.file.skus
    assert skus is not None
    if variant.skus == "core":
        direct = deal.workloads & set(skus.core)
        attached = {w for w, hosts in skus.attached.items() if w in deal.workloads and deal.workloads & set(hosts)}
        unattached = {w for w in skus.attached if w in deal.workloads} - attached
        findings = [
            check(
                variant.sku_rule,
                bool(direct or attached),
                f"the deal has no qualifying workload ({', '.join(skus.core)}, or a frontline "
                "licence attached to Microsoft 365 E3/E5)",
            )
        ]
        if unattached and not (direct or attached):
            findings.append(
                fail(
                    "MWS-SKU-02",
                    f"{', '.join(sorted(unattached))} count only when attached to a "
                    "new Microsoft 365 E3 or E5 in the same deal",
                )
            )
        return findings
    wanted = set(skus.e1plus if variant.skus == "e1plus" else skus.copilot)
    return [
        check(
            variant.sku_rule,
            bool(deal.workloads & wanted),
            f"the {variant.name} needs {', '.join(sorted(wanted))} in the deal",
        )
    ]


def _window_findings(s: Situation, variant: Variant, deal: DealFacts) -> list[Finding]:
    if variant.window is None:
        return []
    assert variant.window_rule is not None
    start, end = variant.window
    anchor = s.params[variant.window_anchor_param] if variant.window_anchor_param else "close"
    dates = {
        "close": [("closed", deal.close_date)],
        "issue": [("issued", s.on)],
        "issue_and_close": [("issued", s.on), ("closed", deal.close_date)],
    }[anchor]
    return [
        check(
            variant.window_rule,
            start <= day <= end,
            f"the {variant.name} needs the voucher {what} between {start} and {end}; it is {day}",
        )
        for what, day in dates
    ]


def band_cap(band: Band, params: Params) -> Decimal:
    return quantize(band.cap if band.cap is not None else params[band.cap_param])  # type: ignore[index]


def band_fits(band: Band, *, segment: str, value: Decimal, close: dt.date) -> bool:
    return (
        (band.segment is None or band.segment == segment)
        and (band.deal_above is None or value > band.deal_above)
        and (band.deal_upto is None or value <= band.deal_upto)
        and (band.close_from is None or close >= band.close_from)
        and (band.close_to is None or close <= band.close_to)
    )


def evaluate_variant(s: Situation, variant: Variant, deal: DealFacts) -> tuple[Decimal | None, list[Finding]]:
    """The variant's cap for this deal, or the findings that rule it out."""
    findings = sku_findings(s, variant, deal)
    if variant.segments and s.customer.segment not in variant.segments:
        findings.append(
            fail(
                variant.eligibility_rule or variant.sku_rule,
                f"the {variant.name} is for {', '.join(variant.segments)} customers only",
            )
        )
    if variant.countries:
        countries = s.program.file.countries
        assert countries is not None
        listed = set(countries.e1plus)
        if countries.e1plus_group_param:
            listed |= set(s.params[countries.e1plus_group_param])
        listed -= set(countries.never)
        findings.append(
            check(
                variant.eligibility_rule or variant.sku_rule,
                s.customer.country in listed,
                f"the {variant.name} is offered only in the listed countries; {s.customer.country} is not one of them",
            )
        )
    findings += _window_findings(s, variant, deal)
    fitting = [
        b for b in variant.bands if band_fits(b, segment=s.customer.segment, value=deal.value, close=deal.close_date)
    ]
    if not fitting:
        relevant = [b for b in variant.bands if b.segment in (None, s.customer.segment)] or variant.bands
        notes = sorted({b.note for b in relevant if b.note})
        for rule in sorted({b.rule for b in relevant}):
            findings.append(
                fail(
                    rule,
                    f"a {format_usd(deal.value)} deal closed on {deal.close_date} fits no cap "
                    f"of the {variant.name} for {s.customer.segment}" + (f" ({'; '.join(notes)})" if notes else ""),
                )
            )
    failing = [f for f in findings if not f.ok]
    if failing:
        return None, failing
    return max(band_cap(b, s.params) for b in fitting), findings


def issue_findings(s: Situation) -> tuple[list[Finding], Decimal | None, str | None]:
    """Every rule for issuing (or quoting) a voucher against the deal: findings, cap, variant (MWS-CAP-10)."""
    findings = nomination_findings(s)
    deal = s.deal
    if deal is None:
        findings.append(fail("MWS-NOM-03", "no qualifying purchase has been recorded for the customer"))
        return findings, None, None
    findings += _deal_findings(s, deal)
    results = [(v, *evaluate_variant(s, v, deal)) for v in s.offer.variants]
    qualifying = [(v, cap) for v, cap, _ in results if cap is not None]
    for variant, _, _ in results:
        if variant.ceiling_scope_param and s.params[variant.ceiling_scope_param] == "deal":
            ceiling = max(b.deal_upto for b in variant.bands if b.deal_upto is not None)
            if deal.value > ceiling:
                qualifying = []
                findings.append(
                    fail(
                        variant.window_rule or variant.sku_rule,
                        f"deals above {format_usd(ceiling)} are not eligible",
                    )
                )
    if qualifying:
        variant, cap = max(qualifying, key=lambda pair: pair[1])
        findings.append(ok("MWS-CAP-10", f"the {variant.name} gives the highest cap, {format_usd(cap)}"))
    else:
        seen: set[tuple[str, str]] = set()
        for _, _, variant_findings in results:
            for finding in variant_findings:
                if (finding.rule, finding.reason) not in seen:
                    seen.add((finding.rule, finding.reason))
                    findings.append(finding)
        return findings, None, None
    if s.face_value is not None:
        findings.append(
            check(
                "MWS-CAP-09",
                s.face_value <= cap,
                f"the face value {format_usd(s.face_value)} is above the cap {format_usd(cap)}",
            )
        )
    return findings, cap, variant.code


def combination_cap(program_bands: list[Band], *, segment: str, close: dt.date, params: Params) -> Decimal | None:
    """The MW&SDO component cap while the TPID also holds a Copilot voucher (MWS-CMB-03)."""
    caps = [band_cap(b, params) for b in program_bands if band_fits(b, segment=segment, value=Decimal(0), close=close)]
    return min(caps) if caps else None
