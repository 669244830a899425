"""SOW and POE redemption requests: the list and one request with its figures and signatures (each caller sees its
own scope), submitting a sealed document as the request (what the Redeem voucher pages do: a request is only ever
made from a document, prepared and signed in OfferDesk or uploaded), the partner's answer to a reviewer's
question (with a file if it helps), and the requests' signatures."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from offerdesk.core import parsing
from offerdesk.documents.selectors import document_get_for, document_list
from offerdesk.documents.services import document_submit
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.models import RedemptionRequest, Signature
from offerdesk.redemptions.selectors import request_get_for, request_search, signature_get_for, signature_list
from offerdesk.reviews.services import review_provide_info

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input, Money

router = Router(tags=["requests"])


class SignatureOut(Schema):
    id: int
    request: int = Field(description="The request's ID.")
    party: str = Field(description="customer or partner.")
    name: str
    role: str
    signed_at: dt.datetime
    document_hash: str = Field(description="SHA-256 of the document signed (the sealed PDF, or the file uploaded).")
    signed_by: str | None = Field(description="The OfferDesk user who signed, when one did (OD-SOD-01).")

    @staticmethod
    def of(signature: Signature) -> SignatureOut:
        signer = signature.signed_by
        return SignatureOut(
            id=signature.pk,
            request=signature.request_id,
            party=signature.party,
            name=signature.name,
            role=signature.role,
            signed_at=signature.signed_at,
            document_hash=signature.document_hash,
            signed_by=signer.username if signer else None,
        )


class RequestOut(Schema):
    id: int
    voucher: str = Field(description="The voucher ID.")
    program: str
    offer: str
    kind: str = Field(description="SOW (initial) or POE (final).")
    status: str = Field(description=f"One of {', '.join(RequestStatus.values)}.")
    partner: int
    partner_name: str
    customer_tpid: str
    customer_name: str
    submitted_at: dt.datetime
    submitted_on: dt.date
    value: Money | None = Field(description="The SOW value S (USD).")
    users_deployed: int | None = Field(description="A POE's users deployed, as the partner reported them.")
    workload_users: dict[str, int] = Field(description="A POE's users per workload, as reported (CSO).")
    verified_users: int | None = Field(description="The users Microsoft verified (CSO-USR-04).")
    verified_workload_users: dict[str, int] = Field(description="The users Microsoft verified per workload.")
    template_id: str
    document_hash: str
    sla_due_on: dt.date = Field(description="The review is due by this day (paused while information is awaited).")
    sla_paused_on: dt.date | None
    decided_at: dt.datetime | None

    @staticmethod
    def fields_of(request: RedemptionRequest) -> dict[str, object]:
        voucher = request.voucher
        return {
            "id": request.pk,
            "voucher": voucher.code,
            "program": voucher.offer.program.code,
            "offer": voucher.offer.code,
            "kind": request.kind,
            "status": request.status,
            "partner": request.partner_id,
            "partner_name": request.partner.name,
            "customer_tpid": voucher.customer.tpid,
            "customer_name": voucher.customer.name,
            "submitted_at": request.submitted_at,
            "submitted_on": request.submitted_on,
            "value": request.value,
            "users_deployed": request.users_deployed,
            "workload_users": request.workload_users,
            "verified_users": request.verified_users,
            "verified_workload_users": request.verified_workload_users,
            "template_id": request.template_id,
            "document_hash": request.document_hash,
            "sla_due_on": request.sla_due_on,
            "sla_paused_on": request.sla_paused_on,
            "decided_at": request.decided_at,
        }

    @staticmethod
    def of(request: RedemptionRequest) -> RequestOut:
        return RequestOut(**RequestOut.fields_of(request))  # type: ignore[arg-type]


class RequestDetailOut(RequestOut):
    signatures: list[SignatureOut]
    document: str | None = Field(description="The key of its document (under /documents), if you may see it.")


def request_detail(request: HttpRequest, found: RedemptionRequest) -> RequestDetailOut:
    """A request with its signatures and its document's key, as the caller may see them: three queries in all."""
    user = caller(request)
    signatures = signature_list(user=user).filter(request=found).select_related("signed_by")
    document = document_list(user=user).filter(request=found).values_list("key", flat=True).first()
    return RequestDetailOut(
        **RequestOut.fields_of(found),  # type: ignore[arg-type]
        signatures=[SignatureOut.of(s) for s in signatures],
        document=document,
    )


class RequestFilters(ListParams):
    status: str = Field("", description=f"One status: {', '.join(RequestStatus.values)}.")
    kind: str = Field("", description=f"One kind: {', '.join(RequestKind.values)}.")
    voucher: str = Field("", description="One voucher ID.")


ORDERINGS = {
    "-submitted_at": "-submitted_at",
    "submitted_at": "submitted_at",
    "sla_due_on": "sla_due_on",
    "-sla_due_on": "-sla_due_on",
}


@router.get("/", response=Page[RequestOut], operation_id="request_list", summary="The requests you may see")
def request_list_op(request: HttpRequest, filters: Query[RequestFilters]) -> Page[RequestOut]:
    user = caller(request)
    qs = request_search(user=user, status=filters.status, kind=filters.kind, voucher=filters.voucher)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="-submitted_at")
    return Page[RequestOut](items=[RequestOut.of(r) for r in rows], next=after)


class SubmitIn(Input):
    document: str = Field(description="The key of the sealed document (signed by both parties) to submit.")


@router.post(
    "/",
    response={201: RequestDetailOut},
    operation_id="request_submit",
    summary="Submit a SOW or POE: its sealed document, as the request for its voucher",
    description=(
        "A request is made from its document, as in the portal's Redeem voucher pages: prepare it (POST "
        "/documents/), sign it (the partner, then the customer), then submit it here; or upload a PDF signed "
        "outside OfferDesk (POST /documents/upload). The rule book decides as for any request (422 with its rules)."
    ),
)
def request_submit_op(request: HttpRequest, body: SubmitIn) -> Status[RequestDetailOut]:
    user = caller(request)
    found = document_get_for(user=user, key=parsing.parse_name(body.document, field="document", max_length=32))
    return Status(201, request_detail(request, document_submit(actor=user, document=found)))


# Paths of a fixed word before the request's ID: "/signatures/…" is never taken for a request.


class SignatureFilters(ListParams):
    request: int | None = Field(None, description="The signatures of one request.")


SIGNATURE_ORDERINGS = {"signed_at": "signed_at", "-signed_at": "-signed_at", "request": "request_id"}


@router.get(
    "/signatures/",
    response=Page[SignatureOut],
    operation_id="signature_list",
    summary="The signatures on the requests you may see",
)
def signature_list_op(request: HttpRequest, filters: Query[SignatureFilters]) -> Page[SignatureOut]:
    qs = signature_list(user=caller(request)).select_related("signed_by")
    if filters.request is not None:
        qs = qs.filter(request_id=filters.request)
    rows, after = page_of(qs, filters, orderings=SIGNATURE_ORDERINGS, default="signed_at")
    return Page[SignatureOut](items=[SignatureOut.of(s) for s in rows], next=after)


@router.get("/signatures/{signature_id}", response=SignatureOut, operation_id="signature_get", summary="One signature")
def signature_get_op(request: HttpRequest, signature_id: int) -> SignatureOut:
    return SignatureOut.of(signature_get_for(user=caller(request), key=signature_id))


@router.get(
    "/{request_id}",
    response=RequestDetailOut,
    operation_id="request_get",
    summary="One request, with its figures and signatures",
)
def request_get_op(request: HttpRequest, request_id: int) -> RequestDetailOut:
    return request_detail(request, request_get_for(user=caller(request), key=request_id))


@router.post(
    "/{request_id}/answer",
    response=RequestDetailOut,
    operation_id="request_answer",
    summary="Answer a reviewer's question (multipart: the note, and a file if it helps)",
    description=(
        "The partner's answer to a request that needs information: `note` (required), and `attachment`, a PDF, PNG "
        "or JPEG of at most 20 MB, if it helps. The review clock runs again (AMB-27). Sent as multipart/form-data."
    ),
)
def request_answer_op(
    request: HttpRequest,
    request_id: int,
    note: Form[str] = "",
    attachment: File[UploadedFile | None] = None,
) -> RequestDetailOut:
    user = caller(request)
    found = request_get_for(user=user, key=request_id)
    attached = (attachment.name or "attachment", attachment.read()) if attachment is not None else None
    return request_detail(request, review_provide_info(actor=user, request=found, note=note, attachment=attached))
