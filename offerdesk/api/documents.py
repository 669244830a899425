"""SOW and POE documents: the list and one document (its partner's, its voucher's customer's, staff's; ADR 10),
preparing the program template for a voucher, each party's signature over the bytes it was shown, declining or
withdrawing, submitting the sealed document as the request, uploading a PDF signed outside OfferDesk, the PDF
itself, and verifying a file someone sent (read, never kept) — what the portal's document pages do."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.models import User
from offerdesk.core import parsing
from offerdesk.core.errors import NotFound
from offerdesk.documents.choices import DocumentOrigin, DocumentStatus
from offerdesk.documents.models import Document, DocumentSignature
from offerdesk.documents.sealing import Verification
from offerdesk.documents.selectors import document_file, document_get_for, document_search
from offerdesk.documents.services import (
    VERIFY_ROLES,
    document_decline,
    document_prepare,
    document_sign,
    document_submit,
    document_upload,
    document_verify,
)
from offerdesk.partners.models import Partner
from offerdesk.redemptions.choices import RequestKind, SignatureParty
from offerdesk.redemptions.services import SignatureInput
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_presented

from .auth import caller
from .lists import ListParams, Page, page_of
from .requests import RequestDetailOut, request_detail
from .schemas import Input, Money

router = Router(tags=["documents"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The PDF (the sealed one once both parties signed), as an attachment.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def file_response(data: bytes, *, name: str, content_type: str) -> HttpResponse:
    """A file as the portal's downloads send it: an attachment, never sniffed as anything else, never cached."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentSignatureOut(Schema):
    party: str = Field(description="partner (signs first) or customer (its signature seals the document).")
    method: str = Field(description="portal (signed in OfferDesk) or declared (signed outside, declared on upload).")
    name: str
    title: str
    signed_by: str | None = Field(description="The OfferDesk user who signed (none for a declared signature).")
    signed_at: dt.datetime | None
    ip_address: str | None
    user_agent: str
    shown_sha256: str = Field(description="SHA-256 of the exact bytes the signer was shown.")

    @staticmethod
    def of(signature: DocumentSignature) -> DocumentSignatureOut:
        signer = signature.signed_by
        return DocumentSignatureOut(
            party=signature.party,
            method=signature.method,
            name=signature.name,
            title=signature.title,
            signed_by=signer.username if signer else None,
            signed_at=signature.signed_at,
            ip_address=signature.ip_address,
            user_agent=signature.user_agent,
            shown_sha256=signature.shown_sha256,
        )


class DocumentOut(Schema):
    key: str = Field(description="The document's unguessable key.")
    voucher: str
    program: str
    offer: str
    kind: str = Field(description="SOW or POE.")
    origin: str = Field(description=f"One of {', '.join(DocumentOrigin.values)}.")
    status: str = Field(description=f"One of {', '.join(DocumentStatus.values)}.")
    partner: int
    partner_name: str
    customer_tpid: str
    customer_name: str
    template_id: str
    template_version: str
    value: Money | None
    users_deployed: int | None
    workload_users: dict[str, int]
    sha256: str = Field(description="SHA-256 of the PDF the signers are shown: send it back as `shown_sha256`.")
    sealed_sha256: str
    sealed_at: dt.datetime | None
    request: int | None = Field(description="The request it was submitted as.")
    declined_reason: str
    declined_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def fields_of(document: Document) -> dict[str, Any]:
        voucher = document.voucher
        return {
            "key": document.key,
            "voucher": voucher.code,
            "program": voucher.offer.program.code,
            "offer": voucher.offer.code,
            "kind": document.kind,
            "origin": document.origin,
            "status": document.status,
            "partner": document.partner_id,
            "partner_name": document.partner.name,
            "customer_tpid": voucher.customer.tpid,
            "customer_name": voucher.customer.name,
            "template_id": document.template_id,
            "template_version": document.template_version,
            "value": document.value,
            "users_deployed": document.users_deployed,
            "workload_users": document.workload_users,
            "sha256": document.sha256,
            "sealed_sha256": document.sealed_sha256,
            "sealed_at": document.sealed_at,
            "request": document.request_id,
            "declined_reason": document.declined_reason,
            "declined_at": document.declined_at,
            "created_at": document.created_at,
        }

    @staticmethod
    def of(document: Document) -> DocumentOut:
        return DocumentOut(**DocumentOut.fields_of(document))


class DocumentDetailOut(DocumentOut):
    signatures: list[DocumentSignatureOut]
    signature_check: list[dict[str, Any]] = Field(
        description="An upload's digital signatures as OfferDesk verified them, one entry per signature."
    )

    @staticmethod
    def of(document: Document) -> DocumentDetailOut:
        return DocumentDetailOut(
            **DocumentOut.fields_of(document),
            signatures=[DocumentSignatureOut.of(s) for s in document.signatures.all()],
            signature_check=list(document.signature_check),
        )


def _detail(user: User, key: str) -> DocumentDetailOut:
    return DocumentDetailOut.of(document_get_for(user=user, key=key))


def _partner_of(user: User, voucher: Voucher) -> Partner:
    """The partner the caller redeems for: its own (staff act for the partner the voucher is bound to), as the
    portal's Redeem voucher pages take it; the service then says whether the caller may act for it."""
    partner = user.partner or voucher.partner
    if partner is None:
        raise NotFound("redeem this voucher as a user of its partner")
    return partner


class DocumentFilters(ListParams):
    status: str = Field("", description=f"One status: {', '.join(DocumentStatus.values)}.")
    kind: str = Field("", description=f"One kind: {', '.join(RequestKind.values)}.")
    voucher: str = Field("", description="One voucher ID.")


ORDERINGS = {"newest": "-created_at", "oldest": "created_at"}


@router.get("/", response=Page[DocumentOut], operation_id="document_list", summary="The documents you may see")
def document_list_op(request: HttpRequest, filters: Query[DocumentFilters]) -> Page[DocumentOut]:
    user = caller(request)
    qs = document_search(user=user, status=filters.status, kind=filters.kind, voucher=filters.voucher)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="newest")
    return Page[DocumentOut](items=[DocumentOut.of(d) for d in rows], next=after)


class PrepareIn(Input):
    voucher: str = Field(description="The voucher ID, as the customer presented it.")
    kind: str = Field(description="SOW or POE.")
    value: str | None = Field(None, description='The SOW value in USD, as a decimal string ("75000.00").')
    users_deployed: int | str | None = Field(None, description="A POE's users deployed.")
    workload_users: dict[str, int | str] | None = Field(None, description="A POE's users per workload (CSO).")


@router.post(
    "/",
    response={201: DocumentDetailOut},
    operation_id="document_prepare",
    summary="Prepare the program template for a voucher, pre-filled with the step's figures",
)
def document_prepare_op(request: HttpRequest, body: PrepareIn) -> Status[DocumentDetailOut]:
    user = caller(request)
    voucher = voucher_presented(user=user, code=body.voucher)
    made = document_prepare(
        actor=user,
        voucher=voucher,
        partner=_partner_of(user, voucher),
        kind=body.kind,
        value=body.value,
        users_deployed=body.users_deployed,
        workload_users=body.workload_users,
    )
    return Status(201, _detail(user, made.key))


# Fixed words first: "/upload" and "/verify" are never taken for a document's key.


def _workload_users(raw: str) -> Any:
    """The users per workload, sent in a multipart form as a JSON object (`{"Exchange Online": 600}`)."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise parsing.refuse("workload_users", 'must be a JSON object, e.g. {"Exchange Online": 600}') from None


@router.post(
    "/upload",
    response={201: RequestDetailOut},
    operation_id="document_upload",
    summary="Upload a SOW or POE signed outside OfferDesk (multipart); it is submitted as the request",
    description=(
        "multipart/form-data: `voucher`, `kind`, `file` (the program's template as a PDF, signed by both parties, "
        "at most 20 MB), who signed it (`customer_name`, `customer_title`, `partner_name`, `partner_title`) and the "
        "step's figures (`value`; `users_deployed`, `workload_users` as a JSON object). The file is checked by its "
        "content and read back; the rule book decides as for any request."
    ),
)
def document_upload_op(
    request: HttpRequest,
    voucher: Form[str] = "",
    kind: Form[str] = "",
    customer_name: Form[str] = "",
    customer_title: Form[str] = "",
    partner_name: Form[str] = "",
    partner_title: Form[str] = "",
    value: Form[str] = "",
    users_deployed: Form[str] = "",
    workload_users: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> Status[RequestDetailOut]:
    user = caller(request)
    found = voucher_presented(user=user, code=voucher)
    signers = [
        SignatureInput(party=SignatureParty.CUSTOMER, name=customer_name, role=customer_title),
        SignatureInput(party=SignatureParty.PARTNER, name=partner_name, role=partner_title),
    ]
    submitted = document_upload(
        actor=user,
        voucher=found,
        partner=_partner_of(user, found),
        kind=kind,
        data=file.read() if file is not None else b"",
        signers=signers,
        value=value,
        users_deployed=users_deployed,
        workload_users=_workload_users(workload_users),
    )
    return Status(201, request_detail(request, submitted))


class SignatureCheckOut(Schema):
    field: str
    signer: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    offerdesk_seal: bool
    summary: str


class VerificationOut(Schema):
    intact: bool = Field(description="Whether the file is an intact OfferDesk document.")
    reason: str
    sha256: str
    voucher_code: str
    template_id: str
    template_version: str
    kind: str
    document_key: str
    sealed_by: str
    signers: list[dict[str, str]]
    signatures: list[SignatureCheckOut]

    @staticmethod
    def of(result: Verification) -> VerificationOut:
        return VerificationOut(**result.as_dict())


@router.post(
    "/verify",
    response=VerificationOut,
    operation_id="document_verify",
    summary="Verify a file: is it an intact OfferDesk document, for which voucher, signed by whom (multipart)",
    description="multipart/form-data with `file`. The file is read and verified, never kept. Staff of the review "
    "desk, operators, finance and auditors.",
)
def document_verify_op(request: HttpRequest, file: File[UploadedFile | None] = None) -> VerificationOut:
    access_require_role(caller(request), VERIFY_ROLES, action="verify documents")
    return VerificationOut.of(document_verify(data=file.read() if file is not None else b""))


@router.get("/{key}", response=DocumentDetailOut, operation_id="document_get", summary="One document")
def document_get_op(request: HttpRequest, key: str) -> DocumentDetailOut:
    return _detail(caller(request), key)


@router.get(
    "/{key}/pdf",
    response={200: None},
    operation_id="document_download",
    summary="The document's PDF",
    openapi_extra=PDF_RESPONSE,
)
def document_download_op(request: HttpRequest, key: str) -> HttpResponse:
    name, data = document_file(user=caller(request), key=key)
    return file_response(data, name=name, content_type="application/pdf")


class SignIn(Input):
    party: str = Field(description="partner or customer: the party you sign for (a user of that party signs).")
    name: str = Field(description="The signer's full name.")
    title: str = Field(description="The signer's title.")
    shown_sha256: str = Field(description="The `sha256` of the PDF you were shown: a stale one is refused.")


@router.post("/{key}/sign", response=DocumentDetailOut, operation_id="document_sign", summary="Sign a document")
def document_sign_op(request: HttpRequest, key: str, body: SignIn) -> DocumentDetailOut:
    user = caller(request)
    found = document_get_for(user=user, key=key)
    document_sign(
        actor=user,
        document=found,
        party=body.party,
        name=body.name,
        title=body.title,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        shown_sha256=body.shown_sha256,
    )
    return _detail(user, key)


class DeclineIn(Input):
    reason: str = Field(description="Why: the customer declines to sign, or the partner withdraws it.")


@router.post(
    "/{key}/decline",
    response=DocumentDetailOut,
    operation_id="document_decline",
    summary="Decline to sign (the customer) or withdraw (the partner) a document not yet submitted",
)
def document_decline_op(request: HttpRequest, key: str, body: DeclineIn) -> DocumentDetailOut:
    user = caller(request)
    document_decline(actor=user, document=document_get_for(user=user, key=key), reason=body.reason)
    return _detail(user, key)


@router.post(
    "/{key}/submit",
    response={201: RequestDetailOut},
    operation_id="document_submit",
    summary="Submit the sealed document as the request for its voucher",
)
def document_submit_op(request: HttpRequest, key: str) -> Status[RequestDetailOut]:
    user = caller(request)
    submitted = document_submit(actor=user, document=document_get_for(user=user, key=key))
    return Status(201, request_detail(request, submitted))
