"""The last signature adds the signature page and seals the PDF; `document_verify` and
`offerdesk document verify` tell an intact OfferDesk document from anything else; the sealed document is submitted."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils.reader import PdfFileReader

from offerdesk.accounts.models import User
from offerdesk.core.errors import IllegalTransition, NotFound, RuleViolation
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.sealing import SEAL_FIELD, document_credentials, self_signed_pem
from offerdesk.documents.services import document_submit, document_verify
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, audit_events, customer_user, on, snapshot

from .helpers import pdf_info, pdf_text, prepare, sealed, shown, sign


@pytest.fixture
def carla(cso: Voucher) -> User:
    """A user of Contoso's."""
    return customer_user(cso.customer, "carla")


@pytest.fixture
def signed(cast: Cast, cso: Voucher, carla: User) -> Document:
    """Contoso's SOW, prepared and signed by pat for Fabrikam, then by carla for Contoso: sealed."""
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-02")
    sign(document, actor=cast.pat, party="partner", name="Pat Fabrikam", title="Delivery lead", when="2023-10-02")
    return sign(document, actor=carla, party="customer", name="Carla Contoso", title="CIO", when="2023-10-03")


def test_the_last_signature_adds_the_signature_page_and_seals_the_pdf(signed: Document, cso: Voucher) -> None:
    assert signed.status == DocumentStatus.SEALED
    data = sealed(signed)
    assert signed.sealed_sha256 == hashlib.sha256(data).hexdigest()
    # The document as both signed it, then the signature page naming each signer and the bytes they saw
    text = pdf_text(data)
    assert text.startswith(pdf_text(shown(signed))[:200])
    for expected in (
        "Signature page",
        "Partner: Pat Fabrikam",
        "Delivery lead",
        "Customer: Carla Contoso",
        "CIO",
        "pat",
        "carla",
        "203.0.113.7",
    ):
        assert expected in text, expected
    assert text.replace(" ", "").count(signed.sha256) == 2  # the hash wraps in its cell
    info = pdf_info(data)
    assert info["/OfferDeskVoucher"] == cso.code
    assert [s["name"] for s in json.loads(info["/OfferDeskSigners"])] == ["Pat Fabrikam", "Carla Contoso"]
    # And the seal is a PAdES signature by OfferDesk's document certificate over the whole file
    (seal,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert seal.field_name == SEAL_FIELD
    assert seal.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert seal.signer_cert.sha256 == document_credentials().certificate.sha256
    assert audit_events("document.sign")[-1].data["sealed_sha256"] == signed.sealed_sha256
    # And Fabrikam is told it can submit
    notice = OutboxMessage.objects.get(kind=NoticeKind.DOCUMENT_SIGNED)
    assert notice.to == [signed.partner.primary_contact]
    assert "Carla Contoso signed the Statement of Work" in notice.body_text


def test_verify_says_an_intact_document_is_for_which_voucher_and_template_signed_by_whom(
    signed: Document, cso: Voucher
) -> None:
    result = document_verify(data=sealed(signed))
    assert result.intact, result.reason
    assert (result.voucher_code, result.template_id, result.template_version, result.kind) == (
        cso.code,
        "CSO-SOW-2023.08",
        "2023.08-1",
        "SOW",
    )
    assert result.document_key == signed.key
    assert [(s["party"], s["name"], s["title"]) for s in result.signers] == [
        ("partner", "Pat Fabrikam", "Delivery lead"),
        ("customer", "Carla Contoso", "CIO"),
    ]
    assert "OfferDesk" in result.sealed_by


def test_a_sealed_pdf_changed_by_one_byte_fails(signed: Document) -> None:
    data = sealed(signed)
    contents = data.index(b"/Contents <") + len(b"/Contents <")
    der_end = contents + len(data[contents : data.index(b">", contents)].rstrip(b"0"))
    # A byte of the pages, of the signature itself, of its zero padding, of the trailer: each one fails
    for at in (len(data) // 3, contents + 40, der_end + 8, len(data) - 30):
        changed = bytearray(data)
        changed[at] = ord("1") if changed[at] == ord("0") else ord("0")
        result = document_verify(data=bytes(changed))
        assert not result.intact, f"a change at byte {at} went unnoticed"
    # And a page appended after the seal is noticed too
    assert not document_verify(data=data + b"\n% appended\n").intact


def test_a_byte_changed_in_the_seals_own_certificate_fails(signed: Document) -> None:
    # The certificate embedded in the seal lies outside what the seal signs: today a changed byte of its name
    # went unnoticed, since the signer was found among the trust roots by issuer and serial number
    data = sealed(signed)
    certificate = document_credentials().certificate.dump().hex().encode()
    at = data.lower().index(certificate) + 2 * 120  # a byte inside the certificate's names
    changed = bytearray(data)
    changed[at] = ord("1") if changed[at] != ord("1") else ord("2")
    result = document_verify(data=bytes(changed))
    assert (result.intact, result.reason) == (False, "the file was changed after it was sealed")


def test_an_unsealed_document_or_another_file_is_not_an_offerdesk_document(cast: Cast, cso: Voucher) -> None:
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    unsealed = document_verify(data=shown(document))
    assert (unsealed.intact, unsealed.reason) == (False, "the file carries no OfferDesk seal")
    assert unsealed.voucher_code == cso.code  # what it claims, shown, but not vouched for
    assert "is not a PDF" in document_verify(data=b"GIF89a not a pdf").reason


def test_two_customer_signers_at_once_cannot_double_seal(signed: Document, carla: User, cso: Voucher) -> None:
    # Signing again once sealed is refused by the transition table (the race itself: tests/concurrency)
    with pytest.raises(IllegalTransition, match="the customer cannot sign a document that is signed by both"):
        sign(signed, actor=carla, party="customer", when="2023-10-03")
    assert signed.signatures.count() == 2


def test_the_sealed_document_is_submitted_as_the_partners_request(cast: Cast, signed: Document) -> None:
    with on("2023-10-04"):
        request = document_submit(actor=cast.pat, document=signed)
    signed.refresh_from_db()
    assert (signed.status, signed.request) == (DocumentStatus.SUBMITTED, request)
    assert (request.kind, request.status, request.template_id, request.document_hash) == (
        "SOW",
        RequestStatus.RECEIVED,
        "CSO-SOW-2023.08",
        signed.sealed_sha256,
    )
    assert {(s.party, s.name, s.role, s.signed_by) for s in request.signatures.all()} == {
        ("partner", "Pat Fabrikam", "Delivery lead", cast.pat),
        ("customer", "Carla Contoso", "CIO", User.objects.get(username="carla")),
    }
    # Submitting twice makes one request
    with on("2023-10-04"), pytest.raises(IllegalTransition):
        document_submit(actor=cast.pat, document=signed)
    assert Document.objects.get(pk=signed.pk).request == request
    assert audit_events("document.submit", "done")[0].data["request"] == request.pk


def test_only_the_documents_partner_submits_it_and_the_rules_still_decide(
    cast: Cast, cso: Voucher, carla: User
) -> None:
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    with on("2023-10-04"), pytest.raises(IllegalTransition, match="only a sealed document is submitted"):
        document_submit(actor=cast.pat, document=document)
    sign(document, actor=cast.pat, party="partner")
    sign(document, actor=carla, party="customer")
    before = snapshot()
    with on("2023-10-04"), pytest.raises(NotFound):
        document_submit(actor=cast.nico, document=document)
    # Past the voucher's expiry the rule book refuses the submission (CSO-VAL-03), and nothing changes
    with on("2024-03-01"), pytest.raises(RuleViolation, match="CSO-VAL-03"):
        document_submit(actor=cast.pat, document=document)
    assert snapshot() == before


def test_the_command_verifies_a_file(signed: Document, tmp_path: Path, capsys: Any) -> None:
    good = tmp_path / "sow.pdf"
    good.write_bytes(sealed(signed))
    call_command("document", "verify", str(good))  # intact: it returns, the exit status is 0
    out = capsys.readouterr().out
    assert "intact" in out and signed.voucher.code in out and "Carla Contoso" in out
    bad = tmp_path / "changed.pdf"
    changed = bytearray(good.read_bytes())
    changed[len(changed) // 3] ^= 0x01
    bad.write_bytes(bytes(changed))
    with pytest.raises(CommandError, match="not an intact OfferDesk document") as ended:
        call_command("document", "verify", str(bad), "--json")
    assert ended.value.returncode == 1
    assert json.loads(capsys.readouterr().out)["intact"] is False
    with pytest.raises(CommandError, match="FILE: no such file") as ended:
        call_command("document", "verify", str(tmp_path / "missing.pdf"))
    assert ended.value.returncode == 2


def test_after_a_rotation_what_the_retired_certificate_sealed_still_verifies(
    signed: Document, tmp_path: Path, settings: Any
) -> None:
    data = sealed(signed)
    retired = document_credentials()
    retired_file = tmp_path / "retired.pem"  # only the certificate is kept once it is retired: no key
    retired_file.write_bytes(
        x509.load_der_x509_certificate(retired.certificate.dump()).public_bytes(serialization.Encoding.PEM)
    )
    new_file = tmp_path / "new.pem"
    new_file.write_bytes(
        self_signed_pem(name="OfferDesk document seal 2027", key=ec.generate_private_key(ec.SECP256R1()), days=365)
    )
    settings.OFFERDESK_DOCUMENT_CERT_FILE = settings.OFFERDESK_DOCUMENT_KEY_FILE = str(new_file)
    # Sealing now uses the new certificate; without the retired one, the old seal is not OfferDesk's
    assert document_credentials().fingerprint != retired.fingerprint
    before = document_verify(data=data)
    assert not before.intact and "not made with OfferDesk's document certificate" in before.reason
    # With the retired certificate listed, what it sealed is intact again — and a change is still noticed
    settings.OFFERDESK_DOCUMENT_RETIRED_CERT_FILES = [str(retired_file)]
    after = document_verify(data=data)
    assert after.intact, after.reason
    assert after.voucher_code == signed.voucher.code
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01
    assert not document_verify(data=bytes(changed)).intact
