"""The review desk: the queue by urgency with its filters, one request's file as the reviewer weighs it (its
document verified, the signatures, the rules replayed on the submission and checked for an approval today, the
steps, the voucher's history, the SLA clock), the decisions (approve, reject on a listed ground, ask for
information, record the users Microsoft verified), the review steps, and a file a partner attached to its answer.

The queue and the file are the desk's (reviewers work it, operators and auditors read it), as in the portal; the
decisions are the services' to allow or refuse (roles, OD-SOD-01, the rule book); the steps are whoever's the
review conversation is (Microsoft and the requesting partner)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from offerdesk.accounts.access import access_require_role
from offerdesk.core import dates
from offerdesk.core.errors import Finding
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.selectors import request_get_for
from offerdesk.reviews.choices import Outcome, RejectReason
from offerdesk.reviews.models import Decision
from offerdesk.reviews.selectors import (
    SlaClock,
    decision_attachment,
    decision_get_for,
    decision_list,
    expires_before_review,
    review_file,
    review_queue_filtered,
    review_terms,
    sla_clock,
)
from offerdesk.reviews.services import (
    DESK_ROLES,
    review_approve,
    review_reject,
    review_request_info,
    review_verify_seats,
)

from .auth import caller
from .documents import DocumentDetailOut, VerificationOut, file_response
from .lists import ListParams, Page, page_of
from .requests import RequestOut, SignatureOut
from .schemas import Input

router = Router(tags=["reviews"])
DESK = "open the review desk"


class SlaOut(Schema):
    state: str = Field(description="due, overdue, paused (waiting for information) or decided.")
    due_on: dt.date
    business_days: int = Field(description="due: business days left after today; overdue: business days late.")
    text: str

    @staticmethod
    def of(clock: SlaClock) -> SlaOut:
        return SlaOut(state=clock.state, due_on=clock.due_on, business_days=clock.business_days, text=clock.text)


class QueueItemOut(RequestOut):
    sla: SlaOut
    expires_before_review: bool = Field(description="The voucher expires before the review is due (AMB-08).")
    voucher_expiry_date: dt.date


class QueueFilters(ListParams):
    program: str = Field("", description="One program code (CSO, FY24).")
    kind: str = Field("", description="SOW or POE.")
    status: str = Field("", description="received or needs_info.")


# Keyset pages order by one field and the ID: "due" breaks a tie on the request's ID, not on the expiry.
QUEUE_ORDERINGS = {
    "due": "sla_due_on",
    "-due": "-sla_due_on",
    "expiry": "voucher__expiry_date",
    "submitted": "submitted_at",
    "-submitted": "-submitted_at",
}


@router.get(
    "/queue/",
    response=Page[QueueItemOut],
    operation_id="review_queue",
    summary="The requests awaiting a decision, most urgent first",
)
def review_queue_op(request: HttpRequest, filters: Query[QueueFilters]) -> Page[QueueItemOut]:
    user = caller(request)
    access_require_role(user, DESK_ROLES, action=DESK)
    qs = review_queue_filtered(user=user, program=filters.program, kind=filters.kind, status=filters.status)
    rows, after = page_of(qs, filters, orderings=QUEUE_ORDERINGS, default="due")
    today = dates.today()
    terms = review_terms(on=today)

    def item(row: RedemptionRequest) -> QueueItemOut:
        program = terms[row.voucher.offer.program.code]
        return QueueItemOut(
            **RequestOut.fields_of(row),  # type: ignore[arg-type]
            sla=SlaOut.of(sla_clock(row, on=today, calendar=program.calendar)),
            expires_before_review=expires_before_review(row, program),
            voucher_expiry_date=row.voucher.expiry_date,
        )

    return Page[QueueItemOut](items=[item(r) for r in rows], next=after)


class DecisionOut(Schema):
    id: int
    request: int
    outcome: str = Field(description=f"One of {', '.join(Outcome.values)}.")
    reason: str = Field(description="The reason, the question, the answer or the seats verified.")
    reason_code: str = Field(description="A rejection's listed ground (see /reviews/reject-grounds).")
    decided_at: dt.datetime
    attachment: str | None = Field(description="The API path of the file the partner attached, if any.")
    attachment_name: str
    attachment_sha256: str

    @staticmethod
    def fields_of(step: Decision) -> dict[str, object]:
        return {
            "id": step.pk,
            "request": step.request_id,
            "outcome": step.outcome,
            "reason": step.reason,
            "reason_code": step.reason_code,
            "decided_at": step.decided_at,
            "attachment": f"/api/v1/reviews/{step.request_id}/decisions/{step.pk}/attachment"
            if step.attachment
            else None,
            "attachment_name": step.attachment_name,
            "attachment_sha256": step.attachment_sha256,
        }

    @staticmethod
    def of(step: Decision) -> DecisionOut:
        return DecisionOut(**DecisionOut.fields_of(step))  # type: ignore[arg-type]


class StepOut(DecisionOut):
    decided_by: str | None = Field(description="Who took the step (the desk sees it).")

    @staticmethod
    def of(step: Decision) -> StepOut:
        by = step.decided_by
        return StepOut(**DecisionOut.fields_of(step), decided_by=by.username if by else None)  # type: ignore[arg-type]


class GroundOut(Schema):
    code: str
    label: str


@router.get(
    "/reject-grounds",
    response=list[GroundOut],
    operation_id="review_reject_grounds",
    summary="The listed grounds a rejection may name (`reason_code`)",
)
def review_reject_grounds_op(request: HttpRequest) -> list[GroundOut]:
    return [GroundOut(code=code, label=label) for code, label in RejectReason.choices]


class DecisionFilters(ListParams):
    request: int | None = Field(None, description="The steps of one request.")


DECISION_ORDERINGS = {"decided_at": "decided_at", "-decided_at": "-decided_at"}


@router.get(
    "/decisions/",
    response=Page[DecisionOut],
    operation_id="decision_list",
    summary="The review steps you may see",
)
def decision_list_op(request: HttpRequest, filters: Query[DecisionFilters]) -> Page[DecisionOut]:
    qs = decision_list(user=caller(request))
    if filters.request is not None:
        qs = qs.filter(request_id=filters.request)
    rows, after = page_of(qs, filters, orderings=DECISION_ORDERINGS, default="decided_at")
    return Page[DecisionOut](items=[DecisionOut.of(d) for d in rows], next=after)


@router.get("/decisions/{decision_id}", response=DecisionOut, operation_id="decision_get", summary="One review step")
def decision_get_op(request: HttpRequest, decision_id: int) -> DecisionOut:
    return DecisionOut.of(decision_get_for(user=caller(request), key=decision_id))


class FindingOut(Schema):
    rule: str
    ok: bool
    reason: str

    @staticmethod
    def of(finding: Finding) -> FindingOut:
        return FindingOut(rule=finding.rule, ok=finding.ok, reason=finding.reason)


class HistoryOut(Schema):
    on: dt.date
    what: str
    detail: str


class WorkloadUsersOut(Schema):
    workload: str
    users: int


class ReviewOut(Schema):
    request: RequestOut
    document: DocumentDetailOut | None
    verification: VerificationOut | None = Field(description="What verifying its document says.")
    signatures: list[SignatureOut]
    submission_findings: list[FindingOut] = Field(description="The rules replayed on the submission.")
    approval_findings: list[FindingOut] = Field(description="The rules an approval today is checked on.")
    steps: list[StepOut]
    history: list[HistoryOut] = Field(description="The voucher's history, oldest first.")
    sla: SlaOut
    expires_before_review: bool
    separation_of_duties: bool = Field(description="Whether the program keeps a request's parties from deciding it.")
    you_are_a_party: bool = Field(description="You submitted, prepared or signed it (OD-SOD-01).")
    workloads: list[str] = Field(description="What a POE's users are verified on (the offer's workloads).")
    reported_by_workload: list[WorkloadUsersOut]
    verified_by_workload: list[WorkloadUsersOut]


@router.get(
    "/{request_id}",
    response=ReviewOut,
    operation_id="review_get",
    summary="One request as the review desk weighs it",
)
def review_get_op(request: HttpRequest, request_id: int) -> ReviewOut:
    user = caller(request)
    access_require_role(user, DESK_ROLES, action=DESK)
    found = review_file(user=user, key=request_id)
    return ReviewOut(
        request=RequestOut.of(found.request),
        document=DocumentDetailOut.of(found.document) if found.document is not None else None,
        verification=VerificationOut.of(found.verification) if found.verification is not None else None,
        signatures=[SignatureOut.of(s) for s in found.signatures],
        submission_findings=[FindingOut.of(f) for f in found.submission_findings],
        approval_findings=[FindingOut.of(f) for f in found.approval_findings],
        steps=[StepOut.of(s) for s in found.steps],
        history=[HistoryOut(on=e.on, what=e.what, detail=e.detail) for e in found.history.entries],
        sla=SlaOut.of(found.clock),
        expires_before_review=found.expires_first,
        separation_of_duties=found.terms.separation_of_duties,
        you_are_a_party=user.pk in found.parties,
        workloads=found.workloads,
        reported_by_workload=[WorkloadUsersOut(workload=w, users=n) for w, n in found.reported_by_workload],
        verified_by_workload=[WorkloadUsersOut(workload=w, users=n) for w, n in found.verified_by_workload],
    )


@router.get(
    "/{request_id}/decisions/{decision_id}/attachment",
    response={200: None},
    operation_id="decision_attachment",
    summary="The file a partner attached to its answer",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def decision_attachment_op(request: HttpRequest, request_id: int, decision_id: int) -> HttpResponse:
    name, data = decision_attachment(user=caller(request), request_key=request_id, step_key=decision_id)
    return file_response(data, name=name, content_type="application/octet-stream")


class ApproveIn(Input):
    reason: str = Field("", description="A note on the approval (optional).")


@router.post("/{request_id}/approve", response=RequestOut, operation_id="review_approve", summary="Approve")
def review_approve_op(request: HttpRequest, request_id: int, body: ApproveIn) -> RequestOut:
    user = caller(request)
    found = request_get_for(user=user, key=request_id)
    return RequestOut.of(review_approve(actor=user, request=found, reason=body.reason))


class RejectIn(Input):
    reason_code: str = Field("", description="One of the listed grounds (GET /reviews/reject-grounds).")
    reason: str = Field("", description="The words the partner can act on (needed without a ground, or for other).")


@router.post(
    "/{request_id}/reject", response=RequestOut, operation_id="review_reject", summary="Reject on a listed ground"
)
def review_reject_op(request: HttpRequest, request_id: int, body: RejectIn) -> RequestOut:
    user = caller(request)
    found = request_get_for(user=user, key=request_id)
    return RequestOut.of(review_reject(actor=user, request=found, reason=body.reason, reason_code=body.reason_code))


class AskIn(Input):
    question: str = Field(description="What information is needed; the SLA clock pauses until the answer (AMB-27).")


@router.post(
    "/{request_id}/request-info",
    response=RequestOut,
    operation_id="review_request_info",
    summary="Ask the partner for information",
)
def review_request_info_op(request: HttpRequest, request_id: int, body: AskIn) -> RequestOut:
    user = caller(request)
    found = request_get_for(user=user, key=request_id)
    return RequestOut.of(review_request_info(actor=user, request=found, question=body.question))


class VerifySeatsIn(Input):
    users: int | str = Field(description="The deployed users Microsoft verified (CSO-USR-04).")
    workload_users: dict[str, int | str] | None = Field(
        None, description="The users verified on each workload, for an offer that counts workloads (CSO-WL-02)."
    )


@router.post(
    "/{request_id}/verify-seats",
    response=RequestOut,
    operation_id="review_verify_seats",
    summary="Record the users Microsoft verified on a POE (per workload for the CSO)",
)
def review_verify_seats_op(request: HttpRequest, request_id: int, body: VerifySeatsIn) -> RequestOut:
    user = caller(request)
    found = request_get_for(user=user, key=request_id)
    verified = review_verify_seats(actor=user, request=found, users=body.users, workload_users=body.workload_users)
    return RequestOut.of(verified)
