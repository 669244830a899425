"""PDFs made for the upload tests: real files, built with ReportLab, pypdf and pyHanko."""

from __future__ import annotations

import io
import zlib

from cryptography.hazmat.primitives.asymmetric import ec
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject
from reportlab.pdfgen import canvas

from offerdesk.documents.sealing import credentials_from_pem, seal, self_signed_pem


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF holding these lines of text, and no OfferDesk metadata."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for n, line in enumerate(lines):
        page.drawString(72, 760 - 16 * n, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _rewritten(data: bytes, change: object) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_javascript(data: bytes) -> bytes:
    """The PDF, running JavaScript when opened."""

    def add(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _rewritten(data, add)


def with_attachment(data: bytes) -> bytes:
    """The PDF, carrying an embedded file."""
    return _rewritten(data, lambda w: w.add_attachment("payload.exe", b"MZ not really a program"))


def with_bomb(data: bytes, *, megabytes: int = 64) -> bytes:
    """The PDF with one more content stream on its page that is a few kilobytes compressed and `megabytes` MB
    decompressed: a decompression bomb."""

    def add(writer: PdfWriter) -> None:
        bomb = StreamObject()
        bomb._data = zlib.compress(b" " * (megabytes * 1024 * 1024), 9)
        bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
        ref = writer._add_object(bomb)
        page = writer.pages[0]
        page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), ref])

    return _rewritten(data, add)


def signed_by_a_stranger(data: bytes) -> bytes:
    """The PDF signed digitally with a certificate of the partner's own (self-signed, not OfferDesk's)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = self_signed_pem(name="Fabrikam e-signing", key=key, days=30, organization="Fabrikam")
    return seal(data, reason="signed", credentials=credentials_from_pem(pem, pem), field="CustomerSignature")
