"""A file the API hands out (an export, a statement) with the headers the portal's downloads have: never sniffed as
anything else, never cached, an attachment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header


def _headed[R: HttpResponse | StreamingHttpResponse](response: R, name: str) -> R:
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download(data: bytes, *, name: str, content_type: str) -> HttpResponse:
    """A file as its own response, as an attachment."""
    return _headed(HttpResponse(data, content_type=content_type), name)


def streamed(lines: Iterable[str], *, name: str, content_type: str) -> StreamingHttpResponse:
    """A long file streamed as it is written (the audit trail's CSV), as an attachment."""
    return _headed(StreamingHttpResponse(lines, content_type=content_type), name)


def file_responses(description: str, types: Mapping[str, str]) -> dict[str, Any]:
    """The OpenAPI `responses` of an operation that answers a file: one binary body per media type."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {"200": {"description": description, "content": {t: binary for t in types.values()}}}}
