"""The one mapping from domain errors to what the portal answers (views use these, never a try/except of their own).

- `NotFound` → the 404 page (another tenant's object is not found, ADR 10); `PermissionDenied` → 403;
- `IllegalTransition` → 409 with its message;
- `InvalidInput` and `RuleViolation` raised by a service → the same form again, input kept, each rule ID and
  reason by its field when the message names one, else at the top (`refusals_on` + `render_form`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from offerdesk.accounts.models import User
from offerdesk.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, RuleViolation

REFUSED_INPUT = 400  # the input is malformed: fix the field
REFUSED_BY_RULE = 422  # well-formed, but the rule book says no
CONFLICT = 409
# core.parsing's shape: "<field>: <reason> (OD-IN-01)", several joined by "; ".
_PROBLEM_SPLIT = re.compile(r"; (?=[^;:]{1,80}: )")


def portal_view[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Map the domain's "not found", "not allowed" and "not now" to the 404, 403 and 409 pages."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error
        except IllegalTransition as error:
            request = next(arg for arg in args if isinstance(arg, HttpRequest))
            return TemplateResponse(request, "portal/errors/409.html", {"message": error.message}, status=CONFLICT)

    return wrapper


def signed_in_user(request: HttpRequest) -> User:
    """The user a `login_required` view serves (typed as the project's User for the services)."""
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied("sign in first")
    return user


def _field_for(form: forms.BaseForm, named: str) -> str | None:
    """The form field a refusal names, by its name or its label ("face value", "face_value", "Face value")."""
    wanted = named.strip().lower()
    for name, field in form.fields.items():
        candidates = {name.lower(), name.replace("_", " ").lower(), str(field.label or "").strip().lower()}
        if wanted in candidates:
            return name
    return None


def form_refused(
    form: forms.BaseForm, error: InvalidInput | RuleViolation, *, rule_fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: each problem by the field it names (`rule_fields` maps a rule ID
    to a field for rule violations), else at the top; the status `render_form` answers with is set."""
    if isinstance(error, RuleViolation):
        for finding in error.findings:
            field = (rule_fields or {}).get(finding.rule)
            form.add_error(field if field in form.fields else None, f"{finding.rule}: {finding.reason}")
        form.refusal_status = REFUSED_BY_RULE  # type: ignore[attr-defined]
        return
    for problem in _PROBLEM_SPLIT.split(error.message):
        named, sep, _reason = problem.partition(": ")
        field = _field_for(form, named) if sep else None
        form.add_error(field, problem)
    form.refusal_status = REFUSED_INPUT  # type: ignore[attr-defined]


@contextmanager
def refusals_on(form: forms.BaseForm, *, rule_fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a service call; a refusal lands on the form (by field or at the top) instead of escaping."""
    try:
        yield
    except (InvalidInput, RuleViolation) as error:
        form_refused(form, error, rule_fields=rule_fields)


def form_status(form: forms.BaseForm) -> int:
    """200 for a fresh form, 400 for bad input (the form's own checks or the parsing layer), 422 for a rule."""
    if not form.is_bound or not form.errors:
        return 200
    return int(getattr(form, "refusal_status", REFUSED_INPUT))


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, form_key: str = "form"
) -> TemplateResponse:
    """The page with its form: input kept, errors by field, and the status saying whether it was refused."""
    return TemplateResponse(request, template, context, status=form_status(context[form_key]))
