"""Reading a PDF from outside (an upload, a file to verify) with limits: checked by its content, never by its
name or declared type, and refused with a clear reason when it is malformed, a decompression bomb, or holds
JavaScript or embedded files."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from offerdesk.core import parsing
from offerdesk.core.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 500
MAX_OBJECTS = 200_000
MAX_STREAM_BYTES = 32 * 1024 * 1024  # decoded, per stream
MAX_DECODED_BYTES = 128 * 1024 * 1024  # decoded, the whole file
TEXT_PAGES = 20  # the template ID and the voucher code are on the first page; a few more for a scan's cover
MAX_TEXT = 200_000

# Keys and values that make a PDF do something when opened, or carry other files.
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded files",
    "/RichMedia": "embedded media",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/ImportData": "an action that imports data",
}
# Every decoder's output bound, per stream: pypdf stops a bomb at the first stream over it.
_STREAM_LIMITS = {
    name: MAX_STREAM_BYTES
    for name in (
        "maximum_declared_stream_length",
        "array_based_stream_maximum_output_length",
        "jbig2_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "zlib_maximum_output_length",
        "brotli_maximum_output_length",
        "image_maximum_buffer_size",
    )
}
_ACTIVE_TYPES = {"/EmbeddedFile": "embedded files"}

# pypdf logs every oddity of a malformed file as a warning; the refusal says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfContent:
    """What OfferDesk reads from a PDF: its document information, its first pages' text, its size."""

    info: dict[str, str]
    text: str
    pages: int


def _refuse(reason: str, *, field: str) -> InvalidInput:
    return parsing.refuse(field, reason)


def check_size_and_type(data: Any, *, field: str) -> bytes:
    """The raw file, if it is bytes of at most MAX_BYTES that begin as a PDF does."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _refuse(f"must be the file's bytes, not {type(data).__name__}", field=field)
    data = bytes(data)
    if not data:
        raise _refuse("is empty", field=field)
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"is {len(data) / 1024 / 1024:.1f} MB; a document has at most {MAX_BYTES // 1024 // 1024} MB", field=field
        )
    if not data.lstrip(b"\x00\t\n\r ")[:1024].startswith(b"%PDF-"):
        raise _refuse("is not a PDF (its content does not begin with %PDF-), whatever its name says", field=field)
    return data


def _walk(reader: PdfReader, *, field: str) -> None:
    """Visit every object reachable from the trailer once: refuse active content, decode every stream
    within the limits (a decompression bomb stops at the first stream over them)."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    decoded = 0
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _refuse(f"holds more than {MAX_OBJECTS:,} objects", field=field)
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    raise _refuse(f"holds {_ACTIVE_KEYS[key]}, which a document may not carry", field=field)
                if key == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    raise _refuse(f"holds {_ACTIVE_ACTIONS[value]}, which a document may not carry", field=field)
                if key == "/Type" and isinstance(value, NameObject) and value in _ACTIVE_TYPES:
                    raise _refuse(f"holds {_ACTIVE_TYPES[value]}, which a document may not carry", field=field)
                if key != "/Parent":  # the page tree's back links lead nowhere new
                    stack.append(value)
            if isinstance(item, StreamObject):
                decoded += len(item.get_data())
                if decoded > MAX_DECODED_BYTES:
                    raise _refuse(
                        f"decompresses to more than {MAX_DECODED_BYTES // 1024 // 1024} MB (a decompression bomb?)",
                        field=field,
                    )
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def pdf_read(data: Any, *, field: str = "file") -> PdfContent:
    """Read a PDF from outside within the limits, or refuse it naming the reason (OD-IN-01)."""
    data = check_size_and_type(data, field=field)
    try:
        with apply_configuration(configuration=None, **_STREAM_LIMITS):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse("is encrypted; upload it without a password", field=field)
            pages = len(reader.pages)
            if pages == 0:
                raise _refuse("has no pages", field=field)
            if pages > MAX_PAGES:
                raise _refuse(f"has {pages:,} pages; a document has at most {MAX_PAGES}", field=field)
            _walk(reader, field=field)
            info = {str(k): str(v) for k, v in (reader.metadata or {}).items() if isinstance(v, str)}
            text = "\n".join(page.extract_text() or "" for page in reader.pages[:TEXT_PAGES])[:MAX_TEXT]
    except InvalidInput:
        raise
    except LimitReachedError as error:
        raise _refuse(
            f"decompresses beyond OfferDesk's limits (a decompression bomb?): {error}", field=field
        ) from error
    except RecursionError as error:
        raise _refuse("is nested too deeply to read", field=field) from error
    except Exception as error:
        raise _refuse(f"is not a readable PDF ({type(error).__name__}: {str(error)[:200]})", field=field) from error
    return PdfContent(info=info, text=text, pages=pages)
