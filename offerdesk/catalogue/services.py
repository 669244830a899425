"""Changing the catalogue: mirroring the files into rows, and parameter overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput

from .loader import get_catalogue
from .models import Offer, ParameterOverride, Program
from .params import coerce_value


@transaction.atomic
def catalogue_sync() -> list[Program]:
    """Make the Program and Offer rows match the catalogue files (run after every migrate)."""
    programs = []
    for loaded in get_catalogue().programs.values():
        spec = loaded.file.program
        program, _ = Program.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "version": spec.version,
                "checksum": loaded.checksum,
                "rulebook": spec.rulebook,
            },
        )
        for offer in loaded.file.offers:
            Offer.objects.update_or_create(
                code=offer.code, defaults={"program": program, "name": offer.name, "family": offer.family}
            )
        programs.append(program)
    return programs


@audited_refusals("parameter.set")
@transaction.atomic
def parameter_set(
    *,
    actor: User | None,
    key: str,
    value: Any,
    effective_from: dt.date | None = None,
    program_code: str | None = None,
    reason: str = "",
) -> ParameterOverride:
    """Override one parameter, for one program or every program that has it, from a date on."""
    access_require_role(actor, {Role.OPERATOR}, action="change a program parameter")
    catalogue = get_catalogue()
    programs = catalogue.programs_with_parameter(key)
    if program_code is not None:
        programs = [p for p in programs if p.code == program_code]
    if not programs:
        raise InvalidInput(f"no program has a parameter {key!r}")
    parsed = [coerce_value(p.parameter(key), value) for p in programs]
    key = programs[0].parameter(key).key  # stored under its canonical key, whatever name was used
    override = ParameterOverride.objects.create(
        program=Program.objects.get(code=program_code) if program_code else None,
        key=key,
        value=parsed[0],
        effective_from=effective_from,
        reason=reason,
        created_by=actor,
        created_at=dates.now(),
    )
    audit_record(
        actor=actor,
        action="parameter.set",
        target=override,
        data={
            "key": key,
            "value": parsed[0],
            "effective_from": effective_from,
            "programs": [p.code for p in programs],
            "reason": reason,
        },
    )
    return override
