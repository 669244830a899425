"""The catalogue in plain words: every program and offer (variants, caps tables, windows, countries, SKUs,
workloads, payment flows, SLA, reminders), every parameter with today's value and its history; an operator
overrides a parameter from a date, or withdraws an override (both through the catalogue's services, audited).

Every Microsoft staff role reads these pages; only an operator changes a parameter (the services say so: 403).
A partner's, a customer's user or an FPM may not open them (403, ADR 28)."""

from __future__ import annotations

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
from offerdesk.catalogue.schema import ParameterSpec
from offerdesk.catalogue.selectors import parameter_history, parameter_spec_get, params_for, program_get
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from offerdesk.core import dates
from offerdesk.core.errors import NotFound
from offerdesk.portal.catalogue_words import (
    band_words,
    offer_facts,
    parameter_rows,
    params_default,
    program_terms,
    value_input,
    value_text,
    variant_facts,
)
from offerdesk.portal.errors import portal_view, refusals_on, render_form, signed_in_user
from offerdesk.portal.forms.catalogue import EVERY_PROGRAM, ParameterSetForm, WithdrawForm
from offerdesk.portal.templatetags.portal import day

READERS = STAFF_ROLES  # every Microsoft staff role reads the rules it works by
CHANGERS = frozenset({Role.OPERATOR})  # what catalogue.services.parameter_set requires (shown, not enforced here)
INDEX, PROGRAM, PARAMETER = (
    "portal/catalogue/index.html",
    "portal/catalogue/program.html",
    "portal/catalogue/parameter.html",
)


def _reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    access_require_role(user, READERS, action="read the catalogue")
    return user


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
