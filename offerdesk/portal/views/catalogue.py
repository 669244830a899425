"""The catalogue in plain words: every program and offer (variants, caps tables, windows, countries, SKUs,
workloads, payment flows, SLA, reminders), every parameter with today's value and its history; an operator
overrides a parameter from a date, or withdraws an override (both through the catalogue's services, audited).

Every Microsoft staff role reads these pages; only an operator changes a parameter (the services say so: 403).
A partner's, a customer's user or an FPM may not open them (403, ADR 28)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from offerdesk.accounts.access import STAFF_ROLES, access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import LoadedProgram, get_catalogue
from offerdesk.catalogue.params import coerce_value
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.schema import Band, ParameterSpec, Variant
from offerdesk.catalogue.schema import Offer as OfferSpec
from offerdesk.catalogue.selectors import parameter_history, parameter_spec_get, params_for, program_get
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from offerdesk.core import dates
from offerdesk.core.errors import NotFound
from offerdesk.portal.errors import portal_view, refusals_on, render_form, signed_in_user
from offerdesk.portal.forms.catalogue import EVERY_PROGRAM, ParameterSetForm, WithdrawForm
from offerdesk.portal.templatetags.portal import day, money

READERS = STAFF_ROLES  # every Microsoft staff role reads the rules it works by
CHANGERS = frozenset({Role.OPERATOR})  # what catalogue.services.parameter_set requires (shown, not enforced here)
INDEX, PROGRAM, PARAMETER = (
    "portal/catalogue/index.html",
    "portal/catalogue/program.html",
    "portal/catalogue/parameter.html",
)
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


def _reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    access_require_role(user, READERS, action="read the catalogue")
    return user


# ------------------------------------------------------------------------------------- values in words


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


# ------------------------------------------------------------------------------------------- the pages


@require_GET
@login_required
@portal_view
def index(request: HttpRequest) -> HttpResponse:
    """Every program of the catalogue with its offers and variants."""
    _reader(request)
    programs = [
        {"program": p, "url": reverse("portal:staff-catalogue-program", args=[p.code])}
        for p in get_catalogue().programs.values()
    ]
    return TemplateResponse(request, INDEX, {"programs": programs})


@require_GET
@login_required
@portal_view
def program(request: HttpRequest, code: str) -> HttpResponse:
    """One program in plain words, as in force today: its terms, offers, variants and their caps, parameters."""
    _reader(request)
    found = program_get(code=code)
    today = dates.today()
    params = params_for(program_code=found.code, on=today)
    offers = [
        {
            "offer": offer,
            "facts": offer_facts(found, offer, params),
            "variants": [
                {
                    "variant": v,
                    "facts": variant_facts(found, v, params),
                    "bands": [band_words(b, params) for b in v.bands],
                }
                for v in offer.variants
            ],
        }
        for offer in found.file.offers
    ]
    context = {
        "program": found,
        "today": today,
        "terms": program_terms(found, params),
        "offers": offers,
        "combination_caps": [band_words(b, params) for b in found.file.combination_caps],
        "parameters": parameter_rows(found, params),
    }
    return TemplateResponse(request, PROGRAM, context)


def _set_form(program: LoadedProgram, spec: ParameterSpec, data: Any = None, **initial: Any) -> ParameterSetForm:
    shared = [p.code for p in get_catalogue().programs_with_parameter(spec.key) if p.code != program.code]
    return ParameterSetForm(data, initial=initial, program_name=program.code, shared_with=shared)


def withdraw_id(pk: int) -> str:
    """The fields' ids of one override's withdraw form: one page holds a form for each override in force."""
    return f"withdraw-{pk}-%s"


def _parameter_page(
    request: HttpRequest,
    user: User,
    code: str,
    key: str,
    *,
    set_form: ParameterSetForm | None = None,
    withdraw: tuple[int, WithdrawForm] | None = None,
) -> HttpResponse:
    program, spec = parameter_spec_get(program_code=code, key=key)
    today = dates.today()
    current = params_for(program_code=program.code, on=today)[spec.key]
    history = list(parameter_history(program_code=program.code, key=spec.key))
    form = set_form or _set_form(program, spec, value=value_input(current), effective_from=today.isoformat())
    refused_id, refused_form = withdraw if withdraw is not None else (None, None)
    overrides = [
        {
            "override": o,
            "value": value_text(spec, o.value),
            "withdrawal": getattr(o, "withdrawal", None),
            "form": refused_form if o.pk == refused_id else WithdrawForm(auto_id=withdraw_id(o.pk)),
            "url": reverse("portal:staff-catalogue-parameter-withdraw", args=[program.code, spec.key, o.pk]),
        }
        for o in history
    ]
    context = {
        "program": program,
        "spec": spec,
        "today": today,
        "current": value_text(spec, current),
        "default": value_text(spec, params_default(spec)),
        "overrides": overrides,
        "form": form,
        "may_change": user.is_superuser or user.role in CHANGERS,
    }
    # The status says whether a change was refused: by the form that was sent.
    return render_form(request, PARAMETER, context | {"sent": refused_form or form}, form_key="sent")


@require_GET
@login_required
@portal_view
def parameter(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """A parameter: what it governs, its bounds, today's value, every override entered and the forms to change it."""
    return _parameter_page(request, _reader(request), code, key)


@require_POST
@login_required
@portal_view
def parameter_set_view(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """Override the parameter from a date (parameter_set: an operator only, within the bounds, audited)."""
    user = _reader(request)
    program, spec = parameter_spec_get(program_code=code, key=key)
    form = _set_form(program, spec, request.POST)
    if form.is_valid():
        every = form.cleaned_data["scope"] == EVERY_PROGRAM
        with refusals_on(form):
            override = parameter_set(
                actor=user,
                key=spec.key,
                value=form.cleaned_data["value"],
                effective_from=form.cleaned_data["effective_from"],
                program_code=None if every else program.code,
                reason=form.cleaned_data["reason"],
            )
            since = day(override.effective_from) if override.effective_from else "the start"
            shown = value_text(spec, override.value)
            messages.success(request, f"{spec.key} is {shown} from {since} (override #{override.pk}).")
            return redirect("portal:staff-catalogue-parameter", code=program.code, key=spec.key)
    return _parameter_page(request, user, code, spec.key, set_form=form)


@require_POST
@login_required
@portal_view
def parameter_withdraw_view(request: HttpRequest, code: str, key: str, pk: int) -> HttpResponse:
    """Withdraw one override of this parameter (parameter_withdraw: an operator only, with a reason, audited)."""
    user = _reader(request)
    program, spec = parameter_spec_get(program_code=code, key=key)
    if not parameter_history(program_code=program.code, key=spec.key).filter(pk=pk).exists():
        raise NotFound(f"no override #{pk} of {spec.key} for {program.code}")
    form = WithdrawForm(request.POST, auto_id=withdraw_id(pk))
    if form.is_valid():
        with refusals_on(form):
            parameter_withdraw(actor=user, override_id=pk, reason=form.cleaned_data["reason"])
            messages.success(request, f"Override #{pk} of {spec.key} is withdrawn.")
            return redirect("portal:staff-catalogue-parameter", code=program.code, key=spec.key)
    return _parameter_page(request, user, code, spec.key, withdraw=(pk, form))
