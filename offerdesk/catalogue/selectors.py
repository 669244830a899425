"""Reading the catalogue: offers and the parameters in force on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet

from offerdesk.core.errors import NotFound

from .loader import LoadedProgram, get_catalogue
from .models import Offer, ParameterOverride
from .params import Params, coerce_value
from .schema import DocumentTemplate, ParameterSpec
from .schema import Offer as OfferSpec


def offer_get(*, name_or_code: str) -> Offer:
    """An offer row by its exact name or its code."""
    catalogue = get_catalogue()
    code = name_or_code if name_or_code in catalogue.offers_by_code else catalogue.offer_code_for_name(name_or_code)
    return Offer.objects.select_related("program").get(code=code)


def offer_spec(*, offer: Offer | str) -> tuple[LoadedProgram, OfferSpec]:
    """The catalogue's description of an offer."""
    return get_catalogue().offer(offer if isinstance(offer, str) else offer.code)


def document_template(*, offer: Offer | str, kind: str) -> DocumentTemplate:
    """The program template a SOW or POE of this offer is made from (CSO-RED-02, MWS-RED-03)."""
    program, spec = offer_spec(offer=offer)
    template_id = spec.sow_template if kind == "SOW" else spec.poe_template
    return next(t for t in program.file.templates if t.id == template_id)  # the schema checks it is declared


def params_for(*, program_code: str, on: dt.date) -> Params:
    """Every parameter of a program as in force on a date: the default, or the newest override by then that
    has not been withdrawn."""
    program = get_catalogue().programs[program_code]
    values: dict[str, Any] = {spec.key: coerce_value(spec, spec.default) for spec in program.file.parameters}
    overrides = (
        ParameterOverride.objects.filter(key__in=values.keys(), withdraws__isnull=True, withdrawal__isnull=True)
        .filter(Q(program__isnull=True) | Q(program__code=program_code))
        .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
        .order_by(F("effective_from").asc(nulls_first=True), "created_at", "id")
    )
    for override in overrides:
        values[override.key] = coerce_value(program.parameter(override.key), override.value)
    return Params(program_code, values)


def program_get(*, code: str) -> LoadedProgram:
    """A program of the catalogue by its code (not found otherwise)."""
    program = get_catalogue().programs.get(code)
    if program is None:
        raise NotFound(f"no program {code!r} in the catalogue")
    return program


def parameter_spec_get(*, program_code: str, key: str) -> tuple[LoadedProgram, ParameterSpec]:
    """A program and one of its parameters, by the parameter's key or an alias (not found otherwise)."""
    program = program_get(code=program_code)
    try:
        return program, program.parameter(key)
    except KeyError:
        raise NotFound(f"program {program_code} has no parameter {key!r}") from None


def parameter_history(*, program_code: str, key: str) -> QuerySet[ParameterOverride]:
    """Every override ever entered of a parameter that applies to the program (its own, or one for every
    program), newest first, each with who entered it and its withdrawal, if any (a withdrawal is not listed on
    its own: it is its override's `withdrawal`)."""
    return (
        ParameterOverride.objects.filter(key=key, withdraws__isnull=True)
        .filter(Q(program__isnull=True) | Q(program__code=program_code))
        .select_related("program", "created_by", "withdrawal", "withdrawal__created_by")
        .order_by("-created_at", "-id")
    )


def catalogue_workloads() -> frozenset[str]:
    """Every workload an offer of the catalogue counts usage or deployed users on (CSO-ELIG-04, CSO-WL-02)."""
    return frozenset(w for _, offer in get_catalogue().offers_by_code.values() for w in offer.workloads)


def catalogue_skus() -> frozenset[str]:
    """Every licence SKU the catalogue names: seats in scope, qualifying purchases, what they attach to, and the
    other licences an inventory may hold."""
    names: set[str] = set()
    for program in get_catalogue().programs.values():
        names |= {sku for offer in program.file.offers for sku in offer.seat_skus} | set(program.file.other_skus)
        skus = program.file.skus
        if skus is not None:
            names |= {*skus.core, *skus.e1plus, *skus.copilot, *skus.attached}
            names |= {sku for needed in skus.attached.values() for sku in needed}
    return frozenset(names)
