"""Uploading a SOW or POE signed outside OfferDesk: checked by content, read back, compared with the voucher,
its digital signatures verified and kept for the reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages

from offerdesk.core.errors import DomainError, InvalidInput, PermissionDenied, RuleViolation
from offerdesk.documents.choices import DocumentOrigin, DocumentStatus, SignatureMethod
from offerdesk.documents.models import Document
from offerdesk.documents.reading import MAX_BYTES
from offerdesk.documents.services import document_upload
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import SignatureInput
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, audit_events, customer_user, on, snapshot

from . import pdfs
from .helpers import prepare, sealed, shown, sign

BOTH = [
    SignatureInput(party="partner", name="Pat Fabrikam", role="Delivery lead"),
    SignatureInput(party="customer", name="Carla Contoso", role="CIO"),
]


def upload(cast: Cast, voucher: Voucher, data: bytes, *, kind: str = "SOW", **extra: Any) -> RedemptionRequest:
    with on(extra.pop("when", "2023-10-05")):
        return document_upload(
            actor=extra.pop("actor", cast.pat),
            voucher=voucher,
            partner=cast.fabrikam,
            kind=kind,
            data=data,
            signers=extra.pop("signers", BOTH),
            **extra,
        )


def stored_files() -> list[str]:
    location = Path(storages["documents"].location)  # type: ignore[attr-defined]
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file())


def test_the_program_template_signed_outside_is_accepted_and_submitted(cast: Cast, cso: Voucher) -> None:
    # Given the SOW OfferDesk generated, printed, signed on paper by both and scanned back as the same PDF
    template = shown(prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam))
    request = upload(cast, cso, template)
    assert (request.kind, request.status, request.template_id) == ("SOW", RequestStatus.RECEIVED, "CSO-SOW-2023.08")
    document = Document.objects.get(origin=DocumentOrigin.UPLOADED)
    assert document.request == request
    assert (document.origin, document.status, document.template_version) == (
        DocumentOrigin.UPLOADED,
        DocumentStatus.SUBMITTED,
        "2023.08-1",
    )
    assert request.document_hash == document.sha256
    assert [(s.party, s.name, s.title, s.method) for s in document.signatures.order_by("party")] == [
        ("customer", "Carla Contoso", "CIO", SignatureMethod.DECLARED),
        ("partner", "Pat Fabrikam", "Delivery lead", SignatureMethod.DECLARED),
    ]
    assert document.signature_check == []  # no digital signature in a scan
    with document.file.open("rb") as handle:
        assert handle.read() == template
    assert audit_events("document.upload", "done")[0].data["sha256"] == document.sha256


def test_the_template_id_and_voucher_code_are_read_from_the_text_when_metadata_is_gone(
    cast: Cast, cso: Voucher
) -> None:
    scan = pdfs.text_pdf("Statement of Work", "Template ID: CSO-SOW-2023.08", f"Voucher code: {cso.code}")
    request = upload(cast, cso, scan)
    assert request.template_id == "CSO-SOW-2023.08"


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (("Template ID: MWS-SOW-FY24", "Voucher code: {code}"), "it carries MWS-SOW-FY24"),
        (("Our own SOW form", "Voucher code: {code}"), "no template ID can be read from it"),
        (("Template ID: CSO-SOW-2023.08", "Voucher code: AAAAA-BBBBB-CCCCC-DDDDD"), "voucher code cannot be read"),
    ],
)
def test_anything_but_the_program_template_for_this_voucher_is_refused_under_cso_red_02(
    cast: Cast, cso: Voucher, lines: tuple[str, ...], reason: str
) -> None:
    before, files = snapshot(), stored_files()
    with pytest.raises(RuleViolation) as refused:
        upload(cast, cso, pdfs.text_pdf(*(line.format(code=cso.code) for line in lines)))
    assert refused.value.rules == ("CSO-RED-02",)
    assert reason in refused.value.message
    assert (snapshot(), stored_files()) == (before, files)
    assert audit_events("document.upload", "refused")[0].data["rules"] == ["CSO-RED-02"]


def test_a_fy24_document_signed_by_one_party_or_sent_for_another_program_is_refused(
    cast: Cast, cso: Voucher, dep: Voucher
) -> None:
    other_voucher = shown(prepare(actor=cast.pat, voucher=dep, partner=cast.fabrikam, when="2023-10-10", value="100"))
    with pytest.raises(RuleViolation) as refused:
        upload(cast, dep, other_voucher, when="2023-10-10", value="100", signers=BOTH[:1])
    assert "MWS-RED-03" in refused.value.rules and "the customer has not signed" in refused.value.message
    # The same file against a CSO voucher it was not made out for: the wrong program's template
    with pytest.raises(RuleViolation, match=r"CSO-RED-02: only the program's SOW template \(CSO-SOW-2023.08\)"):
        upload(cast, cso, other_voucher)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda ok: b"\x89PNG\r\n\x1a\n" + ok, "is not a PDF (its content does not begin with %PDF-)"),
        (lambda ok: b"", "file: is empty"),
        (lambda ok: b"%PDF-1.7\n" + b"\x00garbage" * 50, "is not a readable PDF"),
        (lambda ok: ok[: len(ok) // 2], "is not a readable PDF"),
        (pdfs.with_javascript, "holds JavaScript"),
        (pdfs.with_attachment, "holds embedded files"),
        (pdfs.with_bomb, "decompress"),
        (lambda ok: ok + b"%" * (MAX_BYTES + 1 - len(ok)), "a document has at most 20 MB"),
    ],
    ids=["not-a-pdf", "empty", "malformed", "truncated", "javascript", "embedded-file", "bomb", "oversize"],
)
def test_a_file_that_is_not_a_clean_pdf_is_refused_with_its_reason(
    cast: Cast, cso: Voucher, make: Any, reason: str
) -> None:
    ok = pdfs.text_pdf("Template ID: CSO-SOW-2023.08", f"Voucher code: {cso.code}")
    before, files = snapshot(), stored_files()
    with pytest.raises(InvalidInput) as refused:
        upload(cast, cso, make(ok))
    assert refused.value.message.startswith("file: ") and refused.value.message.endswith("(OD-IN-01)")
    assert reason in refused.value.message
    assert (snapshot(), stored_files()) == (before, files)


def test_digital_signatures_in_the_file_are_verified_and_kept_for_the_reviewer(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    sign(document, actor=cast.pat, party="partner")
    sign(document, actor=carla, party="customer")
    ours = sealed(document)
    # The sealed OfferDesk document, then signed once more by the customer's own e-signing tool
    request = upload(cast, cso, pdfs.signed_by_a_stranger(ours))
    checks = Document.objects.get(request=request).signature_check
    assert [(c["field"], c["offerdesk_seal"], c["trusted"]) for c in checks] == [
        ("OfferDeskSeal", True, True),
        ("CustomerSignature", False, False),
    ]
    seal, stranger = checks
    assert seal["intact"] and seal["valid"] and not seal["covers_whole_file"]  # something was added after it
    assert stranger["intact"] and stranger["valid"] and stranger["covers_whole_file"]
    assert "Common Name: Fabrikam e-signing" in stranger["signer"]


def test_only_the_partners_own_users_upload_and_bad_declarations_are_refused(cast: Cast, cso: Voucher) -> None:
    ok = pdfs.text_pdf("Template ID: CSO-SOW-2023.08", f"Voucher code: {cso.code}")
    with pytest.raises(PermissionDenied):
        upload(cast, cso, ok, actor=cast.nico)
    with pytest.raises(InvalidInput, match=r"signers\[0\] party: must be one of customer, partner"):
        upload(cast, cso, ok, signers=[SignatureInput(party="notary", name="N")])
    with pytest.raises(InvalidInput, match=r"each of the customer and the partner is declared at most once"):
        upload(cast, cso, ok, signers=[BOTH[0], BOTH[0]])
    with pytest.raises(DomainError):
        upload(cast, cso, "not bytes")  # type: ignore[arg-type]
    assert not Document.objects.exists()
