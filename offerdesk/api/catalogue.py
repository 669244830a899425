"""The catalogue (Microsoft's staff): every program and offer with its variants and caps tables, the workloads and
licence SKUs it names, every parameter with its value on a day, its default, its bounds and every override entered;
an operator overrides a parameter from a date, or withdraws an override (catalogue.services: audited, 403 for
any other role). A partner's or a customer's user and an FPM may not read it (403, ADR 28), as in the portal.

The catalogue is a handful of files, so its collections are plain lists, not pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from offerdesk.accounts.access import STAFF_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import LoadedProgram, get_catalogue
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.params import Params, coerce_value
from offerdesk.catalogue.schema import Band, ParameterSpec, Variant
from offerdesk.catalogue.schema import Offer as OfferSpec
from offerdesk.catalogue.selectors import (
    catalogue_skus,
    catalogue_workloads,
    parameter_history,
    parameter_spec_get,
    params_for,
    program_get,
)
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from offerdesk.core import dates, parsing
from offerdesk.core.errors import NotFound

from .auth import caller
from .schemas import Input, Money

router = Router(tags=["catalogue"])

READERS = STAFF_ROLES  # every Microsoft staff role reads the rules it works by (the portal's catalogue pages)


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    access_require_role(user, READERS, action="read the catalogue")
    return user


def json_value(value: Any) -> Any:
    """A parameter's value as JSON: numbers as exact decimal strings ("0.6", never 6E-1), dates as YYYY-MM-DD."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


class DayQuery(Schema):
    on: str = Field("", description="The day the values are in force on (YYYY-MM-DD; empty: today).")


def _day(query: DayQuery) -> dt.date:
    return parsing.parse_date(query.on, field="on") if query.on else dates.today()


# ------------------------------------------------------------------------------------------ offers


class BandOut(Schema):
    segment: str | None
    deal_above: Money | None = Field(description="The deal value this band starts above (USD).")
    deal_upto: Money | None = Field(description="The deal value this band goes up to (USD).")
    close_from: dt.date | None
    close_to: dt.date | None
    cap: Money = Field(description="The cap in force on the day (a parameter's value when `cap_param` names one).")
    cap_param: str | None = Field(description="The parameter the cap is read from, if any.")
    rule: str
    note: str

    @staticmethod
    def of(band: Band, params: Params) -> BandOut:
        cap = band.cap if band.cap is not None else params[band.cap_param or ""]
        return BandOut(
            segment=band.segment,
            deal_above=band.deal_above,
            deal_upto=band.deal_upto,
            close_from=band.close_from,
            close_to=band.close_to,
            cap=cap,
            cap_param=band.cap_param,
            rule=band.rule,
            note=band.note,
        )


class VariantOut(Schema):
    code: str
    name: str
    skus: str = Field(description="Which SKU set qualifies: core, e1plus or copilot.")
    sku_rule: str
    segments: list[str] | None
    countries: str | None
    eligibility_rule: str | None
    window: list[dt.date] | None = Field(description="The first and last day of the variant's window, if any.")
    window_rule: str | None
    bands: list[BandOut]

    @staticmethod
    def of(variant: Variant, params: Params) -> VariantOut:
        return VariantOut(
            code=variant.code,
            name=variant.name,
            skus=variant.skus,
            sku_rule=variant.sku_rule,
            segments=list(variant.segments) if variant.segments is not None else None,
            countries=variant.countries,
            eligibility_rule=variant.eligibility_rule,
            window=list(variant.window) if variant.window else None,
            window_rule=variant.window_rule,
            bands=[BandOut.of(b, params) for b in variant.bands],
        )


class OfferOut(Schema):
    code: str
    name: str
    program: str = Field(description="The program's code.")
    family: str = Field(description="Offers of a family share the one-voucher-per-TPID limit.")
    limit_rules: list[str]
    eligible_sectors: list[str]
    excluded_sectors: list[str]
    seat_skus: list[str]
    workloads: list[str]
    requires_migration: list[str]
    sow_template: str
    poe_template: str
    variants: list[VariantOut]

    @staticmethod
    def of(program: LoadedProgram, offer: OfferSpec, params: Params) -> OfferOut:
        return OfferOut(
            code=offer.code,
            name=offer.name,
            program=program.code,
            family=offer.family,
            limit_rules=list(offer.limit_rules),
            eligible_sectors=list(offer.eligible_sectors),
            excluded_sectors=list(offer.excluded_sectors),
            seat_skus=list(offer.seat_skus),
            workloads=list(offer.workloads),
            requires_migration=list(offer.requires_migration),
            sow_template=offer.sow_template,
            poe_template=offer.poe_template,
            variants=[VariantOut.of(v, params) for v in offer.variants],
        )


@router.get("/offers", response=list[OfferOut], operation_id="catalogue_offer_list", summary="Every offer, as on a day")
def catalogue_offer_list_op(request: HttpRequest, query: Query[DayQuery]) -> list[OfferOut]:
    _reader(request)
    on = _day(query)
    found = []
    for program in get_catalogue().programs.values():
        params = params_for(program_code=program.code, on=on)
        found += [OfferOut.of(program, offer, params) for offer in program.file.offers]
    return found


@router.get("/offers/{code}", response=OfferOut, operation_id="catalogue_offer_get", summary="One offer, as on a day")
def catalogue_offer_get_op(request: HttpRequest, code: str, query: Query[DayQuery]) -> OfferOut:
    _reader(request)
    program, offer = get_catalogue().offer(code)
    return OfferOut.of(program, offer, params_for(program_code=program.code, on=_day(query)))


@router.get(
    "/workloads",
    response=list[str],
    operation_id="catalogue_workload_list",
    summary="The workloads the offers count usage or deployed users on",
)
def catalogue_workload_list_op(request: HttpRequest) -> list[str]:
    _reader(request)
    return sorted(catalogue_workloads())


@router.get(
    "/skus", response=list[str], operation_id="catalogue_sku_list", summary="Every licence SKU the catalogue names"
)
def catalogue_sku_list_op(request: HttpRequest) -> list[str]:
    _reader(request)
    return sorted(catalogue_skus())


# ------------------------------------------------------------------------------------------ programs


class ParameterOut(Schema):
    key: str
    type: str
    value: Any = Field(description="In force on the day (numbers as decimal strings, dates YYYY-MM-DD).")
    default: Any = Field(description="The catalogue file's value.")
    rules: list[str] = Field(description="The rule IDs it governs.")
    help: str
    bounds: str = Field(description="The values it takes, in words.")
    choices: list[str] | None
    aliases: list[str]

    @staticmethod
    def of(spec: ParameterSpec, params: Params) -> ParameterOut:
        return ParameterOut(
            key=spec.key,
            type=spec.type,
            value=json_value(params[spec.key]),
            default=json_value(coerce_value(spec, spec.default)),
            rules=list(spec.rules),
            help=spec.help,
            bounds=spec.bounds(),
            choices=list(spec.choices) if spec.choices is not None else None,
            aliases=list(spec.aliases),
        )


class ProgramOut(Schema):
    code: str
    name: str
    version: str
    rulebook: str
    summary: str
    offers: list[str] = Field(description="Its offers' codes.")

    @staticmethod
    def fields_of(program: LoadedProgram) -> dict[str, Any]:
        spec = program.file.program
        return {
            "code": spec.code,
            "name": spec.name,
            "version": spec.version,
            "rulebook": spec.rulebook,
            "summary": spec.summary,
            "offers": [o.code for o in program.file.offers],
        }


class ProgramDetailOut(ProgramOut):
    on: dt.date = Field(description="The day the caps and parameters are shown as in force on.")
    offer_details: list[OfferOut]
    combination_caps: list[BandOut]
    parameters: list[ParameterOut]


@router.get("/programs", response=list[ProgramOut], operation_id="catalogue_program_list", summary="Every program")
def catalogue_program_list_op(request: HttpRequest) -> list[ProgramOut]:
    _reader(request)
    return [ProgramOut(**ProgramOut.fields_of(p)) for p in get_catalogue().programs.values()]


@router.get(
    "/programs/{code}",
    response=ProgramDetailOut,
    operation_id="catalogue_program_get",
    summary="One program as in force on a day: its offers, caps and parameters",
)
def catalogue_program_get_op(request: HttpRequest, code: str, query: Query[DayQuery]) -> ProgramDetailOut:
    _reader(request)
    program = program_get(code=code)
    on = _day(query)
    params = params_for(program_code=program.code, on=on)
    return ProgramDetailOut(
        **ProgramOut.fields_of(program),
        on=on,
        offer_details=[OfferOut.of(program, o, params) for o in program.file.offers],
        combination_caps=[BandOut.of(b, params) for b in program.file.combination_caps],
        parameters=[ParameterOut.of(s, params) for s in program.file.parameters],
    )


# ------------------------------------------------------------------------------------------ parameters


class WithdrawalOut(Schema):
    id: int
    reason: str
    created_at: dt.datetime
    created_by: str | None


class OverrideOut(Schema):
    id: int
    key: str
    program: str | None = Field(description="The program's code; null: every program that has the parameter.")
    value: Any
    effective_from: dt.date | None = Field(description="Null: from the start.")
    reason: str
    created_at: dt.datetime
    created_by: str | None
    withdrawal: WithdrawalOut | None = Field(description="Its withdrawal, if it was withdrawn.")

    @staticmethod
    def of(override: ParameterOverride, spec: ParameterSpec) -> OverrideOut:
        withdrawal = getattr(override, "withdrawal", None)
        return OverrideOut(
            id=override.pk,
            key=override.key,
            program=override.program.code if override.program else None,
            value=json_value(coerce_value(spec, override.value)),
            effective_from=override.effective_from,
            reason=override.reason,
            created_at=override.created_at,
            created_by=override.created_by.username if override.created_by else None,
            withdrawal=WithdrawalOut(
                id=withdrawal.pk,
                reason=withdrawal.reason,
                created_at=withdrawal.created_at,
                created_by=withdrawal.created_by.username if withdrawal.created_by else None,
            )
            if withdrawal is not None
            else None,
        )


class ParameterDetailOut(ParameterOut):
    program: str
    on: dt.date
    history: list[OverrideOut] = Field(description="Every override entered, newest first, with its withdrawal.")


@router.get(
    "/programs/{code}/parameters",
    response=list[ParameterOut],
    operation_id="catalogue_parameter_list",
    summary="A program's parameters as in force on a day",
)
def catalogue_parameter_list_op(request: HttpRequest, code: str, query: Query[DayQuery]) -> list[ParameterOut]:
    _reader(request)
    program = program_get(code=code)
    params = params_for(program_code=program.code, on=_day(query))
    return [ParameterOut.of(s, params) for s in program.file.parameters]


def _parameter_detail(program: LoadedProgram, spec: ParameterSpec, on: dt.date) -> ParameterDetailOut:
    params = params_for(program_code=program.code, on=on)
    history = [OverrideOut.of(o, spec) for o in parameter_history(program_code=program.code, key=spec.key)]
    return ParameterDetailOut(
        **ParameterOut.of(spec, params).model_dump(), program=program.code, on=on, history=history
    )


@router.get(
    "/programs/{code}/parameters/{key}",
    response=ParameterDetailOut,
    operation_id="catalogue_parameter_get",
    summary="A parameter: its value on a day, its default, bounds and every override entered",
)
def catalogue_parameter_get_op(request: HttpRequest, code: str, key: str, query: Query[DayQuery]) -> ParameterDetailOut:
    _reader(request)
    program, spec = parameter_spec_get(program_code=code, key=key)
    return _parameter_detail(program, spec, _day(query))


class ParameterSetIn(Input):
    value: StrictBool | StrictInt | str | list[str] = Field(
        description='The new value: text as the catalogue writes it ("20", "0.6", "60%", "2024-06-30"), a whole '
        "number, true or false, or a list of texts. Never a JSON float."
    )
    effective_from: str | None = Field(None, description="From this day on (YYYY-MM-DD); null: from the start.")
    every_program: bool = Field(False, description="For every program that has this parameter, not this one only.")
    reason: str = Field("", description="Why (kept with the override).")


@router.post(
    "/programs/{code}/parameters/{key}",
    response={201: OverrideOut},
    operation_id="catalogue_parameter_set",
    summary="Override a parameter from a date (operators)",
)
def catalogue_parameter_set_op(request: HttpRequest, code: str, key: str, body: ParameterSetIn) -> Status[OverrideOut]:
    user = _reader(request)
    program, spec = parameter_spec_get(program_code=code, key=key)
    override = parameter_set(
        actor=user,
        key=spec.key,
        value=body.value,
        effective_from=body.effective_from,
        program_code=None if body.every_program else program.code,
        reason=body.reason,
    )
    return Status(201, OverrideOut.of(override, spec))


class WithdrawIn(Input):
    reason: str = Field(description="Why the override is withdrawn (required).")


@router.post(
    "/programs/{code}/parameters/{key}/overrides/{override_id}/withdraw",
    response=OverrideOut,
    operation_id="catalogue_parameter_withdraw",
    summary="Withdraw an override (operators): the parameter is again what it was without it",
)
def catalogue_parameter_withdraw_op(
    request: HttpRequest, code: str, key: str, override_id: int, body: WithdrawIn
) -> OverrideOut:
    user = _reader(request)
    program, spec = parameter_spec_get(program_code=code, key=key)
    history = parameter_history(program_code=program.code, key=spec.key)
    if not history.filter(pk=override_id).exists():
        raise NotFound(f"no override #{override_id} of {spec.key} for {program.code}")
    parameter_withdraw(actor=user, override_id=override_id, reason=body.reason)
    return OverrideOut.of(history.get(pk=override_id), spec)
