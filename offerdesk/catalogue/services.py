"""Changing the catalogue: mirroring the files into rows, and parameter overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput, NotFound

from .loader import LoadedProgram, get_catalogue
from .lock_objects import overrides_in_force_locked
from .models import Offer, ParameterOverride, Program
from .params import coerce_value, refused, relation_problems
from .selectors import params_for


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


def _parse_program(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    return parsing.parse_choice(raw, field="program", choices=get_catalogue().programs.keys())


def _check_relations(key: str, programs: list[LoadedProgram], since: dt.date | None) -> None:
    """Refuse an override that puts related parameters out of step (a window ending before it starts, a
    list of caps for another number of tiers), on its first day and on every later day another takes effect."""
    for program in programs:
        spec = program.parameter(key)
        related = {spec.key, *(k for k in (spec.not_after, spec.same_length_as) if k)}
        related |= {s.key for s in program.file.parameters if spec.key in (s.not_after, s.same_length_as)}
        if related == {spec.key}:
            continue
        first = since or parsing.FIRST_DAY
        later = ParameterOverride.objects.filter(key__in=related, effective_from__gt=first).values_list(
            "effective_from", flat=True
        )
        for day in sorted({first, *(d for d in later if d is not None)}):
            problems = relation_problems(program.file.parameters, params_for(program_code=program.code, on=day))
            if problems:
                raise refused(f"{program.code} on {day}: " + "; ".join(problems))


@audited_refusals("parameter.set")
@transaction.atomic
def parameter_set(
    *,
    actor: User | None,
    key: str,
    value: Any,
    effective_from: dt.date | str | None = None,
    program_code: str | None = None,
    reason: str = "",
) -> ParameterOverride:
    """Override one parameter, for one program or every program that has it, from a date on, within its
    bounds (OD-IN-01)."""
    access_require_role(actor, {Role.OPERATOR}, action="change a program parameter")
    key = parsing.parse_text(key, field="key", max_length=80, name=True)
    since = parsing.parse_optional_date(effective_from, field="effective_from")
    program_code = _parse_program(program_code)
    reason = parsing.parse_text(reason, field="reason", max_length=300, required=False, multiline=True)
    programs = get_catalogue().programs_with_parameter(key)
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
        effective_from=since,
        reason=reason,
        created_by=actor,
        created_at=dates.now(),
    )
    _check_relations(key, programs, since)
    audit_record(
        actor=actor,
        action="parameter.set",
        target=override,
        data={
            "key": key,
            "value": parsed[0],
            "effective_from": since,
            "programs": [p.code for p in programs],
            "reason": reason,
        },
    )
    return override


def _override_to_withdraw(
    *, override_id: Any, key: Any, program_code: str | None, since: dt.date | None
) -> ParameterOverride:
    live = overrides_in_force_locked()
    if override_id is not None:
        number = parsing.parse_whole(override_id, field="override_id", minimum=1)
        found = live.filter(pk=number).first()
        if found is None:
            raise NotFound(f"no override #{number} in force to withdraw")
        return found
    if key is None:
        raise InvalidInput("name the override to withdraw: its id, or its key (with its program and date)")
    name = parsing.parse_text(key, field="key", max_length=80, name=True)
    programs = get_catalogue().programs_with_parameter(name)
    if not programs:
        raise InvalidInput(f"no program has a parameter {name!r}")
    canonical = programs[0].parameter(name).key
    program = {"program__code": program_code} if program_code else {"program__isnull": True}
    found = live.filter(key=canonical, effective_from=since, **program).order_by("-created_at", "-id").first()
    if found is None:
        where = f"for {program_code}" if program_code else "for every program"
        raise NotFound(f"no override of {canonical} {where} from {since or 'the start'} to withdraw")
    return found


@audited_refusals("parameter.withdraw")
@transaction.atomic
def parameter_withdraw(
    *,
    actor: User | None,
    reason: str,
    override_id: int | str | None = None,
    key: str | None = None,
    program_code: str | None = None,
    effective_from: dt.date | str | None = None,
) -> ParameterOverride:
    """Take back an override with a new entry: both stay on record, and the parameter is again what it was
    without it. Name the override by its id, or by its key, program and first day (the newest such)."""
    access_require_role(actor, {Role.OPERATOR}, action="change a program parameter")
    reason = parsing.parse_text(reason, field="reason", max_length=300, multiline=True)
    since = parsing.parse_optional_date(effective_from, field="effective_from")
    program_code = _parse_program(program_code)
    target = _override_to_withdraw(override_id=override_id, key=key, program_code=program_code, since=since)
    try:
        with transaction.atomic():
            withdrawal = ParameterOverride.objects.create(
                program=target.program,
                key=target.key,
                value=target.value,
                effective_from=target.effective_from,
                reason=reason,
                created_by=actor,
                created_at=dates.now(),
                withdraws=target,
            )
    except IntegrityError as exc:  # a concurrent withdrawal of the same override won
        raise InvalidInput(f"override #{target.pk} is already withdrawn") from exc
    scope = target.program.code if target.program else None
    programs = [p for p in get_catalogue().programs_with_parameter(target.key) if scope in (None, p.code)]
    _check_relations(target.key, programs, target.effective_from)
    audit_record(
        actor=actor,
        action="parameter.withdraw",
        target=withdrawal,
        data={
            "key": target.key,
            "withdraws": target.pk,
            "value": target.value,
            "effective_from": target.effective_from,
            "reason": reason,
        },
    )
    return withdrawal
