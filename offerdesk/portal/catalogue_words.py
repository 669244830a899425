"""The catalogue in plain words, for the portal's catalogue pages: a parameter's value as a reader reads it, a
caps table's rows, an offer's and a variant's facts, a program's terms (expiry, payment flow and date, review SLA,
reminders), each with the rule IDs it comes from. Pure: it reads the loaded catalogue files and the parameters in
force that day, nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse

from offerdesk.catalogue.loader import LoadedProgram
from offerdesk.catalogue.params import coerce_value
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.schema import Band, ParameterSpec, Variant
from offerdesk.catalogue.schema import Offer as OfferSpec
from offerdesk.portal.templatetags.portal import day, money

# The payment parameters' choices in words (catalogue files: pay.split_rounding, pay.roll).
SPLIT = {
    "initial_down": "the initial half rounded down to the cent",
    "initial_half_up": "the initial half rounded half up to the cent",
}
ROLL = {
    "none": "a date on a weekend or holiday stays as it is",
    "next_business_day": "a date on a weekend or holiday moves to the next business day",
}
SKU_GROUPS = {"core": "the core licences", "e1plus": "Office 365 E1+", "copilot": "Microsoft 365 Copilot"}


def value_text(spec: ParameterSpec, value: Any) -> str:
    """A parameter's value as a reader reads it: money with its currency, dates as the locale writes them."""
    if value is None or value == []:
        return "none"
    if isinstance(value, list):
        return ", ".join(_item_text(spec.type.removesuffix("_list"), v) for v in value)
    return _item_text(spec.type, value)


def _item_text(kind: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "money":
        return money(value, "USD")
    if isinstance(value, dt.date):
        return day(value)
    return str(value)


def value_input(value: Any) -> str:
    """The value as the form takes it back (a list with commas, a date as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value_input(v) for v in value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _usd(amount: Decimal) -> str:
    return money(amount, "USD")


def band_words(band: Band, params: Any) -> dict[str, str]:
    """One row of a caps table in words: the segment, the deal value and close dates it serves, and its cap."""
    if band.deal_above is not None and band.deal_upto is not None:
        deal = f"above {_usd(band.deal_above)} up to {_usd(band.deal_upto)}"
    elif band.deal_above is not None:
        deal = f"above {_usd(band.deal_above)}"
    elif band.deal_upto is not None:
        deal = f"up to {_usd(band.deal_upto)}"
    else:
        deal = "any value"
    if band.close_from and band.close_to:
        close = f"{day(band.close_from)} to {day(band.close_to)}"
    elif band.close_from:
        close = f"from {day(band.close_from)}"
    elif band.close_to:
        close = f"until {day(band.close_to)}"
    else:
        close = "any date"
    if band.cap_param is not None:
        cap = f"up to {_usd(params[band.cap_param])} (parameter {band.cap_param})"
    else:
        cap = f"up to {_usd(band.cap or Decimal(0))}"
    return {
        "segment": band.segment or "any segment",
        "deal": deal,
        "close": close,
        "cap": cap,
        "rule": band.rule,
        "note": band.note,
    }


@dataclass(frozen=True)
class Fact:
    """One line of a description list: a label, its words, the rule IDs it comes from."""

    label: str
    text: str
    rules: str = ""


def variant_facts(program: LoadedProgram, variant: Variant, params: Any) -> list[Fact]:
    facts = []
    skus = program.file.skus
    listed = getattr(skus, variant.skus, None) if skus is not None else None
    names = ", ".join(listed) if listed else SKU_GROUPS[variant.skus]
    facts.append(Fact("Qualifying licences", names, variant.sku_rule))
    if variant.segments:
        facts.append(Fact("Segments", ", ".join(variant.segments), variant.eligibility_rule or ""))
    if variant.countries and program.file.countries is not None:
        countries = program.file.countries
        text = ", ".join(getattr(countries, variant.countries, []))
        if countries.e1plus_group_param:
            members = params[countries.e1plus_group_param]
            text += f"; and the Caribbean New Markets group: {', '.join(members) if members else 'none listed'}"
            text += f" (parameter {countries.e1plus_group_param})"
        facts.append(Fact("Countries", text, variant.eligibility_rule or ""))
    if variant.window:
        text = f"{day(variant.window[0])} to {day(variant.window[1])}"
        if variant.window_anchor_param:
            text += f"; the dates that must fall in it: {params[variant.window_anchor_param]}"
            text += f" (parameter {variant.window_anchor_param})"
        facts.append(Fact("Window", text, variant.window_rule or ""))
    if variant.ceiling_scope_param:
        scope = params[variant.ceiling_scope_param]
        facts.append(Fact("Ceiling applies to", f"{scope} (parameter {variant.ceiling_scope_param})"))
    return facts


def offer_facts(program: LoadedProgram, offer: OfferSpec, params: Any) -> list[Fact]:
    templates = {t.id: t for t in program.file.templates}
    facts = [
        Fact(
            "Code and family",
            f"{offer.code}; one voucher per TPID in the family {offer.family}",
            ", ".join(offer.limit_rules),
        ),
        Fact("Eligible sectors", ", ".join(offer.eligible_sectors) or "none"),
        Fact("Excluded sectors", ", ".join(offer.excluded_sectors) or "none"),
    ]
    if offer.seat_skus:
        facts.append(Fact("Seats counted in", ", ".join(offer.seat_skus)))
    if offer.workloads:
        facts.append(Fact("Workloads", ", ".join(offer.workloads)))
    if offer.requires_migration:
        facts.append(Fact("Requires a migration from", ", ".join(offer.requires_migration), offer.migration_rule or ""))
    if offer.combination_partner_family:
        text = f"while the TPID also holds a {offer.combination_partner_family} voucher, the combination caps apply"
        if offer.combination_param:
            applies = params[offer.combination_param]
            text += f" ({'yes' if applies else 'not'} to this offer: parameter {offer.combination_param})"
        facts.append(Fact("Combination", text, "MWS-CMB-03"))
    for kind, template_id in (("SOW", offer.sow_template), ("POE", offer.poe_template)):
        template = templates[template_id]
        facts.append(Fact(f"{kind} template", f"{template.title} ({template.id}, version {template.version})"))
    return facts


def program_terms(program: LoadedProgram, params: Any) -> list[Fact]:
    """How a voucher of the program lives: its expiry, the review SLA, reminders, and how it is paid."""
    policy = policy_for(program)
    facts = []
    if program.rulebook == "cso":
        facts.append(Fact("Voucher expiry", f"{params['expiry.cso_days']} calendar days after issue", "CSO-VAL-01"))
        facts.append(
            Fact(
                "Payment flow",
                f"one payment after the POE is approved: {_usd(params['cso.rate_per_user'])} per eligible user up to "
                f"the tier's voucher maximum (cap mode {params['cso.cap_mode']}); the same for every sector",
                "CSO-PAY-10",
            )
        )
    else:
        facts.append(Fact("Voucher expiry", f"{params['expiry.mws_months']} months after issue", "MWS-VAL-01"))
        split = SPLIT.get(params["pay.split_rounding"], params["pay.split_rounding"])
        facts.append(
            Fact(
                "Payment flow",
                "Commercial: an initial payment of half the base (the least of the face value, the SOW's value and "
                f"any combination cap; {split}) on the SOW's approval and the rest on "
                "the POE's; Public Sector: the whole base on the POE's approval; Education follows the "
                f"{params['mws.education_flow']} flow (parameter mws.education_flow)",
                "MWS-PAY-01, MWS-PAY-02, MWS-PAY-03",
            )
        )
    facts.append(
        Fact(
            "Payment date",
            f"{params['pay.lag_days']} days after the end of the month of the paying request's "
            f"{params['pay.anchor']}; {ROLL.get(params['pay.roll'], params['pay.roll'])}",
        )
    )
    facts.append(
        Fact(
            "Review SLA",
            f"{params[policy.sla_days_param]} business days ({params['business_day_calendar']} holidays)",
        )
    )
    reminders = params["reminder_days_before_expiry"]
    facts.append(
        Fact("Expiry reminders", ", ".join(f"{d} days" for d in reminders) + " before expiry" if reminders else "none")
    )
    return facts


def parameter_rows(program: LoadedProgram, params: Any) -> list[dict[str, Any]]:
    return [
        {
            "spec": spec,
            "value": value_text(spec, params[spec.key]),
            "default": value_text(spec, params_default(spec)),
            "url": reverse("portal:staff-catalogue-parameter", args=[program.code, spec.key]),
        }
        for spec in program.file.parameters
    ]


def params_default(spec: ParameterSpec) -> Any:
    """The catalogue file's default, parsed as an override would be."""
    return coerce_value(spec, spec.default)
