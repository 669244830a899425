"""Rendering a program template as a pre-filled PDF (ReportLab), and its signature page.

The template ID, its version and the voucher code are printed on every page and written into the PDF's
document information, where `reading` finds them again."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from offerdesk.catalogue.schema import DocumentTemplate
from offerdesk.core.money import format_usd

# The document information keys OfferDesk writes (and reads back from an upload).
META_TEMPLATE_ID = "/OfferDeskTemplateId"
META_TEMPLATE_VERSION = "/OfferDeskTemplateVersion"
META_VOUCHER = "/OfferDeskVoucher"
META_KIND = "/OfferDeskKind"
META_DOCUMENT = "/OfferDeskDocument"
META_SIGNERS = "/OfferDeskSigners"
PRODUCER = "OfferDesk"

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=10, leading=14)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10, textColor=colors.HexColor("#52606d"))
_TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
        ("FONT", (1, 0), (-1, -1), "Helvetica", 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cbd2d9")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f7fa")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


@dataclass(frozen=True)
class DocumentFacts:
    """Everything a generated document shows: the template and the voucher's data."""

    template: DocumentTemplate
    document_key: str
    program_name: str
    offer_name: str
    voucher_code: str
    customer_name: str
    tpid: str
    partner_name: str
    face_value: Decimal
    issue_date: dt.date
    expiry_date: dt.date
    prepared_on: dt.date
    value: Decimal | None = None
    users_deployed: int | None = None
    workload_users: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SignerLine:
    """One signature as the signature page shows it."""

    party: str
    name: str
    title: str
    username: str
    signed_at: str
    ip_address: str
    user_agent: str
    shown_sha256: str

    def as_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _text(value: Any) -> Paragraph:
    return Paragraph(escape(str(value)), _BODY)


def _table(rows: Sequence[tuple[str, Any]]) -> Table:
    table = Table([[label, _text(value)] for label, value in rows], colWidths=(55 * mm, None))
    table.setStyle(_TABLE_STYLE)
    return table


def _banner(template_id: str, version: str, voucher_code: str, document_key: str) -> str:
    return (
        f"Template ID: {template_id} | Template version: {version} | Voucher code: {voucher_code} "
        f"| Document: {document_key}"
    )


def _build(story: list[Any], *, title: str, banner: str) -> bytes:
    buffer = io.BytesIO()

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#52606d"))
        canvas.drawString(18 * mm, A4[1] - 12 * mm, banner)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.drawString(18 * mm, 10 * mm, "OfferDesk")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=PRODUCER,
        creator=PRODUCER,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def pdf_styles() -> dict[str, ParagraphStyle]:
    """The documents' paragraph styles, for other PDFs OfferDesk prints (statements)."""
    return {
        "body": _BODY,
        "small": _SMALL,
        "title": ParagraphStyle("title", parent=_STYLES["Heading2"], spaceAfter=6),
        "letterhead": ParagraphStyle(
            "letterhead",
            parent=_BODY,
            fontName="Helvetica-Bold",
            fontSize=18,
            leading=22,
            textColor=colors.HexColor("#1f2933"),
        ),
    }


def pdf_build(story: list[Any], *, title: str, banner: str) -> bytes:
    """A4 pages with the banner at the top of each, "OfferDesk" and the page number at the foot."""
    return _build(story, title=title, banner=banner)


def with_metadata(data: bytes, entries: dict[str, str], *, append: bytes | None = None) -> bytes:
    """The PDF with these document-information entries (and another PDF's pages appended)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if append is not None:
        writer.append(PdfReader(io.BytesIO(append)))
    writer.add_metadata(entries)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_document(facts: DocumentFacts) -> bytes:
    """The program template, pre-filled with the voucher's data, as a PDF."""
    t = facts.template
    kind_label = (
        "Statement of Work (initial redemption)" if t.kind == "SOW" else "Proof of Execution (final redemption)"
    )
    story: list[Any] = [
        Paragraph(escape(t.title), _STYLES["Title"]),
        Paragraph(escape(f"{kind_label} - Template ID: {t.id}, version {t.version}"), _STYLES["Heading4"]),
        Spacer(1, 4 * mm),
        _table(
            [
                ("Voucher code", facts.voucher_code),
                ("Program", facts.program_name),
                ("Offer", facts.offer_name),
                ("Customer", facts.customer_name),
                ("Customer TPID", facts.tpid),
                ("Partner", facts.partner_name),
                ("Face value", format_usd(facts.face_value)),
                ("Issued on", facts.issue_date.isoformat()),
                ("Expires on", facts.expiry_date.isoformat()),
                ("Prepared on", facts.prepared_on.isoformat()),
            ]
        ),
        Spacer(1, 4 * mm),
    ]
    figures: list[tuple[str, Any]] = []
    if facts.value is not None:
        figures.append(("SOW value", format_usd(facts.value)))
    if facts.users_deployed is not None:
        figures.append(("Users deployed", f"{facts.users_deployed:,}"))
    figures += [(f"Users deployed on {name}", f"{count:,}") for name, count in sorted(facts.workload_users.items())]
    if figures:
        story += [Paragraph("Figures", _STYLES["Heading3"]), _table(figures), Spacer(1, 4 * mm)]
    story += [Paragraph("Terms", _STYLES["Heading3"]), *(_text(p) for p in t.paragraphs), Spacer(1, 4 * mm)]
    story += [
        Paragraph("Signatures", _STYLES["Heading3"]),
        _text(t.attestation),
        _text(
            "The customer and the partner sign this document in OfferDesk; each signature (name, title, time, "
            "address and the SHA-256 of this document) is listed on the signature page added when both have "
            "signed, and the whole is sealed with OfferDesk's document certificate."
        ),
    ]
    pdf = _build(story, title=t.title, banner=_banner(t.id, t.version, facts.voucher_code, facts.document_key))
    return with_metadata(
        pdf,
        {
            "/Title": t.title,
            "/Subject": f"{t.kind} for voucher {facts.voucher_code}",
            "/Keywords": f"template={t.id}; version={t.version}; voucher={facts.voucher_code}",
            "/Producer": PRODUCER,
            META_TEMPLATE_ID: t.id,
            META_TEMPLATE_VERSION: t.version,
            META_VOUCHER: facts.voucher_code,
            META_KIND: t.kind,
            META_DOCUMENT: facts.document_key,
        },
    )


def render_with_signature_page(
    data: bytes, *, template_id: str, version: str, voucher_code: str, document_key: str, signers: Sequence[SignerLine]
) -> bytes:
    """The document as shown, followed by a page listing every signature, with the signers in its metadata."""
    story: list[Any] = [
        Paragraph("Signature page", _STYLES["Title"]),
        _text(
            f"The document of the previous pages (template {template_id}, version {version}, voucher {voucher_code}) "
            "was signed in OfferDesk by the people below. Each signed after viewing it; the SHA-256 is of the exact "
            "bytes each was shown. OfferDesk then sealed the whole file with its document certificate: "
            "`offerdesk document verify FILE` tells whether it is intact."
        ),
        Spacer(1, 4 * mm),
    ]
    for s in signers:
        story += [
            Paragraph(escape(f"{s.party.title()}: {s.name}"), _STYLES["Heading3"]),
            _table(
                [
                    ("Name", s.name),
                    ("Title", s.title),
                    ("OfferDesk user", s.username),
                    ("Signed at", s.signed_at),
                    ("IP address", s.ip_address),
                    ("User agent", s.user_agent),
                    ("SHA-256 shown", s.shown_sha256),
                ]
            ),
            Spacer(1, 4 * mm),
        ]
    page = _build(story, title="Signature page", banner=_banner(template_id, version, voucher_code, document_key))
    return with_metadata(data, {META_SIGNERS: json.dumps([s.as_dict() for s in signers])}, append=page)
