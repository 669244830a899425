"""Around every API write (ADR 29): a JSON body over OFFERDESK_API_MAX_BODY_BYTES is refused unread (413), and an
`Idempotency-Key` makes a retry safe: the first request's answer (status and body) is kept for
OFFERDESK_IDEMPOTENCY_KEEP_HOURS and a replay gets it back with no second effect; the same key with another
request answers 422, and while the first is still running, 409. Keys are per user."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from offerdesk.apikeys.choices import KeyState
from offerdesk.apikeys.models import IdempotencyKey
from offerdesk.apikeys.services import (
    idempotency_answered,
    idempotency_claim,
    idempotency_key_parse,
    idempotency_release,
)
from offerdesk.core.errors import InvalidInput

from .auth import SAFE_METHODS, request_caller
from .problems import domain_problem, problem

API_PREFIX = "/api/"
REPLAYED = "Idempotent-Replayed"
SECRET_ANSWER = "_offerdesk_secret_answer"  # set by an operation whose answer holds a secret shown once


def answer_holds_a_secret(request: HttpRequest) -> None:
    """Mark this request's answer as holding a secret (`secret`): a replay gets the answer with it left out, so
    that no secret is kept with the key (a token is kept only as its digest, ADR 29)."""
    setattr(request, SECRET_ANSWER, True)


def _kept_body(request: HttpRequest, body: bytes) -> bytes:
    if not getattr(request, SECRET_ANSWER, False):
        return body
    try:
        answer = json.loads(body)
    except ValueError:
        return b""
    if isinstance(answer, dict) and "secret" in answer:
        answer["secret"] = None  # shown once, to the first answer; a replay says the thing exists
    return json.dumps(answer, ensure_ascii=False).encode()


# Answers that had no effect and may well differ next time: not kept, the key may be sent again.
NOT_KEPT = frozenset({401, 403, 408, 429})


def _body_of(request: HttpRequest) -> bytes:
    """The request's body, read once and kept for the view: an upload larger than Django's in-memory limit for
    plain bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) is read too, since `_too_large` bounded it already; the
    multipart parser then reads the kept copy, as it would have read `request.body`."""
    if not hasattr(request, "_body"):
        data = request.read()
        request._body = data  # type: ignore[attr-defined]  # what HttpRequest.body keeps, so that
        request._stream = io.BytesIO(data)  # type: ignore[attr-defined]  # POST and FILES parse from it
    return request.body


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING"), request.content_type):
        part = part or ""
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(_body_of(request))
    return digest.hexdigest()


class ApiWriteMiddleware:
    """The body limit and idempotency keys of the API's writes (POST, PUT, PATCH, DELETE); and, for every API
    request, no NUL character in its path (a text column cannot hold one: PostgreSQL refuses the query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if "\x00" in request.path:
            detail = "path: must not contain a NUL character (OD-IN-01)"
            return problem(400, detail, code="invalid_input", request=request, rules=["OD-IN-01"])
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        too_large = self._too_large(request)
        if too_large is not None:
            return too_large
        raw_key = request.headers.get("Idempotency-Key")
        user = request_caller(request) if raw_key is not None else None
        if raw_key is None or user is None:
            return self.get_response(request)  # no key, or no caller: the API answers 401 itself
        try:
            key = idempotency_key_parse(raw_key)
        except InvalidInput as error:
            return domain_problem(request, error)
        fingerprint = _fingerprint(request)
        claim = idempotency_claim(user=user, key=key, fingerprint=fingerprint)
        if not claim.new:
            return self._replay(request, claim.key, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            idempotency_release(key=claim.key)
            raise
        if response.status_code >= 500 or response.status_code in NOT_KEPT or response.streaming:
            idempotency_release(key=claim.key)
        else:
            assert isinstance(response, HttpResponse)
            idempotency_answered(
                key=claim.key,
                status=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=_kept_body(request, response.content),
            )
        return response

    @staticmethod
    def _too_large(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        upload = request.content_type == "multipart/form-data"  # a document upload: a PDF of up to 20 MB
        limit = settings.OFFERDESK_API_MAX_UPLOAD_BYTES if upload else settings.OFFERDESK_API_MAX_BODY_BYTES
        if length > limit:
            return problem(
                413,
                f"body: {length} bytes; the API takes at most {limit} (OD-IN-01)",
                code="body_too_large",
                request=request,
                rules=["OD-IN-01"],
            )
        return None

    @staticmethod
    def _replay(request: HttpRequest, key: IdempotencyKey, fingerprint: str) -> HttpResponse:
        if key.fingerprint != fingerprint:
            return problem(
                422,
                "Idempotency-Key: already used for another request (another method, path or body); "
                "send a new key for a new request (OD-IN-01)",
                code="idempotency_key_reused",
                title="Key used for another request",
                request=request,
                rules=["OD-IN-01"],
            )
        if key.state == KeyState.RUNNING:
            response = problem(
                409,
                "Idempotency-Key: the first request with this key is still running; try again shortly",
                code="idempotency_key_running",
                title="First request still running",
                request=request,
            )
            response["Retry-After"] = "1"
            return response
        replay = HttpResponse(bytes(key.body), status=key.status or 200, content_type=key.content_type or None)
        replay[REPLAYED] = "true"
        return replay
