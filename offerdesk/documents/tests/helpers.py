"""Reading documents and PDFs back; building them is the factories' (`prepare_document`, `sign_document`)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from offerdesk.documents.models import Document
from tests.factories import BROWSER, prepare_document, sign_document

prepare, sign = prepare_document, sign_document
__all__ = ["BROWSER", "pdf_info", "pdf_text", "prepare", "sealed", "shown", "sign"]


def shown(document: Document) -> bytes:
    """The bytes of the document as the signers are shown them."""
    with document.file.open("rb") as handle:
        return handle.read()


def sealed(document: Document) -> bytes:
    document.refresh_from_db()
    with document.sealed_file.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    """The text of every page, each run of white space as one space (table cells come out on lines of their own)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def pdf_info(data: bytes) -> dict[str, str]:
    return {str(k): str(v) for k, v in (PdfReader(io.BytesIO(data)).metadata or {}).items()}
