"""Every error the API answers is `application/problem+json` (RFC 9457), made here and only here (ADR 29).

The domain's refusals keep their meaning: bad input → 400 with the field of each problem, a rule that says no →
422 with each rule ID and reason, not allowed → 403, another tenant's object or none → 404, not now → 409.
Ninja's own checks (the body is not JSON, a type or a field is wrong) are bad input too: 400, field by field."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from offerdesk.core.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)
# core.parsing's shape: "<field>: <reason> (OD-IN-01)", several joined by "; " (as portal/errors.py reads it).
_PROBLEM_SPLIT = re.compile(r"; (?=[^;:]{1,80}: )")
TITLES = {
    400: "Bad input",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Refused by the rule book",
    429: "Too many requests",
    500: "Server error",
}


def problem(
    status: int,
    detail: str,
    *,
    code: str,
    request: HttpRequest | None = None,
    title: str | None = None,
    **extra: Any,
) -> JsonResponse:
    """A problem document: `type` names the kind (`urn:offerdesk:problem:<code>`), `title` says it in words,
    `detail` says this occurrence, `instance` is the path asked for; `extra` adds members (rules, errors…)."""
    body: dict[str, Any] = {
        "type": f"urn:offerdesk:problem:{code}",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.path
    body.update(extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False})


def input_errors(message: str) -> list[dict[str, str]]:
    """Each problem of a parsing refusal, with the field it names ("" when it names none)."""
    found = []
    for part in _PROBLEM_SPLIT.split(message):
        named, sep, _reason = part.partition(": ")
        found.append({"field": named.strip() if sep else "", "message": part})
    return found


def domain_problem(request: HttpRequest, error: DomainError) -> JsonResponse:
    """A domain refusal as its problem document, with its rule IDs (and each finding, for a rule violation)."""
    rules = list(error.rules)
    if isinstance(error, RuleViolation):
        findings = [{"rule": f.rule, "reason": f.reason} for f in error.findings]
        return problem(422, error.message, code=error.code, request=request, rules=rules, findings=findings)
    if isinstance(error, InvalidInput):
        return problem(
            400, error.message, code=error.code, request=request, rules=rules, errors=input_errors(error.message)
        )
    status = {NotFound: 404, PermissionDenied: 403, IllegalTransition: 409}.get(type(error), 400)
    return problem(status, error.message, code=error.code, request=request, rules=rules)


def _location(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    if parts and parts[0] in {"body", "payload", "data", "params", "filters"}:
        parts = parts[1:]
    return ".".join(parts)


def validation_problem(request: HttpRequest, errors: Iterable[Mapping[str, Any]]) -> JsonResponse:
    """Ninja's and pydantic's findings on the input: one entry per field, each with the reason (OD-IN-01)."""
    found = [
        {
            "field": _location(e.get("loc", ())),
            "message": f"{_location(e.get('loc', ())) or 'body'}: {e.get('msg', '')}",
        }
        for e in errors
    ]
    detail = "; ".join(f"{e['message']} (OD-IN-01)" for e in found) or "the request is malformed (OD-IN-01)"
    return problem(400, detail, code="invalid_input", request=request, rules=["OD-IN-01"], errors=found)


def install_problem_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error answers with problem documents."""

    def on_domain(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, DomainError)
        return domain_problem(request, exc)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, NinjaValidationError)
        return validation_problem(request, exc.errors)

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        response = problem(
            401,
            "send a valid API token (Authorization: Bearer odk_…) or sign in: this one is missing, unknown, "
            "expired or revoked",
            code="not_authenticated",
            request=request,
        )
        response["WWW-Authenticate"] = 'Bearer realm="offerdesk"'
        return response

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, Throttled)
        wait = f"; try again in {int(exc.wait) + 1} s" if exc.wait is not None else ""
        return problem(429, f"this token made too many requests{wait}", code="rate_limited", request=request)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, HttpError)
        if exc.status_code == 400:  # ninja could not read the body at all
            detail = f"body: {str(exc).lower()}: send a JSON object (OD-IN-01)"
            return problem(400, detail, code="invalid_input", request=request, rules=["OD-IN-01"])
        return problem(exc.status_code, str(exc), code="http_error", request=request)

    def on_unreadable_form(request: HttpRequest, exc: Any) -> HttpResponse:
        # A multipart (or form) body Django cannot parse: bad input like a body that is not JSON (schemathesis
        # found a malformed multipart part answering 500).
        detail = f"body: not a readable multipart/form-data body ({exc}) (OD-IN-01)"
        return problem(400, detail, code="invalid_input", request=request, rules=["OD-IN-01"])

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(404, str(exc) or "not found", code="not_found", request=request)

    def on_anything(request: HttpRequest, exc: Any) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem(500, "the server failed on this request; it is logged", code="server_error", request=request)

    api.add_exception_handler(Exception, on_anything)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(MultiPartParserError, on_unreadable_form)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DomainError, on_domain)
