"""Reading the review queue and the decisions, within the reader's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Prefetch, QuerySet

from offerdesk.accounts.access import access_decision_scope, access_get, access_request_scope, access_scoped
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import RedemptionFacts, engine
from offerdesk.catalogue.rules.facts import ExistingRequest
from offerdesk.catalogue.selectors import offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import Finding, NotFound
from offerdesk.core.money import format_usd
from offerdesk.documents.models import Document
from offerdesk.documents.sealing import Verification
from offerdesk.documents.selectors import document_file, document_list
from offerdesk.documents.services import document_verify
from offerdesk.payouts.selectors import payment_list
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.models import RedemptionRequest, Signature
from offerdesk.redemptions.selectors import request_list, signature_list
from offerdesk.redemptions.services import redemption_facts
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_list

from .models import Decision


def review_queue(*, user: User) -> QuerySet[RedemptionRequest]:
    """Requests awaiting a decision, by SLA due date, then by the voucher's expiry (AMB-08: CSO approvals
    must land by the expiry date), then by submission."""
    return access_scoped(
        RedemptionRequest.objects.filter(status__in=(RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO))
        .select_related("voucher__offer__program", "voucher__customer", "partner")
        .order_by("sla_due_on", "voucher__expiry_date", "submitted_at", "id"),
        access_request_scope(user),
    )


def decision_list(*, user: User, request: RedemptionRequest | None = None) -> QuerySet[Decision]:
    """The review steps the user may see (of one request, if given), oldest first."""
    qs = access_scoped(
        Decision.objects.select_related("request__partner", "request__voucher", "decided_by").order_by(
            "decided_at", "id"
        ),
        access_decision_scope(user),
    )
    return qs.filter(request=request) if request is not None else qs


def decision_get_for(*, user: User, key: int) -> Decision:
    """One review step, if the user may see it."""
    return access_get(decision_list(user=user), what="decision", pk=key)


def request_overview_list(*, user: User, status: str | None = None) -> QuerySet[RedemptionRequest]:
    """The requests the user may see, newest first, optionally of one status (a bad status is refused by
    field, OD-IN-01); each carries `steps`, its review history the user may see: two queries in all."""
    qs = request_list(user=user).order_by("-submitted_at", "-id")
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=RequestStatus.values))
    return qs.prefetch_related(
        Prefetch("decisions", queryset=decision_list(user=user).order_by("decided_at", "id"), to_attr="steps")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a voucher: the day, what, and the detail a partner can act on."""

    on: dt.date
    what: str
    detail: str = ""


@dataclass(frozen=True)
class VoucherHistory:
    """A voucher with everything the user may see of its life, oldest first."""

    voucher: Voucher
    requests: Sequence[RedemptionRequest]
    entries: list[HistoryEntry]


def _request_entries(request: RedemptionRequest) -> list[HistoryEntry]:
    kind = request.get_kind_display()
    figures = []
    if request.value is not None:
        figures.append(f"value {format_usd(request.value)}")
    if request.users_deployed is not None:
        figures.append(f"{request.users_deployed:,} users deployed")
    figures += [f"{name}: {count:,}" for name, count in request.workload_users.items()]
    entries = [
        HistoryEntry(
            on=request.submitted_on,
            what=f"{kind} submitted by {request.partner.name}",
            detail=", ".join(figures),
        )
    ]
    entries += [
        HistoryEntry(
            on=dates.local_date(step.decided_at),
            what=f"{request.kind}: {step.get_outcome_display()}",
            detail=step.reason,
        )
        for step in request.steps  # type: ignore[attr-defined]
    ]
    entries += [
        HistoryEntry(
            on=dates.local_date(payment.created_at),
            what=f"Payment scheduled: {payment.get_kind_display()}",
            detail=f"{format_usd(payment.amount)}, payable on {payment.payable_on}",
        )
        for payment in request.seen_payments  # type: ignore[attr-defined]
    ]
    return entries


def voucher_history(*, user: User, key: str) -> VoucherHistory:
    """A voucher by its ID, if the user may see it, with its whole history as the user may see it: the
    nomination and referral, the issue, each request with its review steps and payment, the expiry.
    Four queries whatever the history's length."""
    voucher = access_get(
        voucher_list(user=user).select_related("nomination__referral__partner"), what="voucher", code=str(key).upper()
    )
    requests = list(
        request_overview_list(user=user)
        .filter(voucher=voucher)
        .order_by("submitted_at", "id")
        .prefetch_related(Prefetch("payments", queryset=payment_list(user=user), to_attr="seen_payments"))
    )
    nomination = voucher.nomination
    entries = [HistoryEntry(on=dates.local_date(nomination.nominated_at), what="Nominated")]
    referral = getattr(nomination, "referral", None)
    if referral is not None and user.role != Role.CUSTOMER:
        entries.append(
            HistoryEntry(
                on=referral.notified_on,
                what=f"Referred to {referral.partner.name}",
                detail=f"answer by {referral.respond_by}",
            )
        )
        if referral.responded_at is not None:
            entries.append(
                HistoryEntry(
                    on=dates.local_date(referral.responded_at),
                    what=f"Referral {referral.get_status_display().lower()}",
                )
            )
    entries.append(
        HistoryEntry(
            on=voucher.issue_date,
            what="Issued",
            detail=f"{format_usd(voucher.face_value)}, expires on {voucher.expiry_date}",
        )
    )
    for request in requests:
        entries += _request_entries(request)
    if voucher.status in (VoucherStatus.EXPIRED, VoucherStatus.CANCELLED):
        entries.append(
            HistoryEntry(
                on=voucher.expiry_date
                if voucher.status == VoucherStatus.EXPIRED
                else dates.local_date(voucher.updated_at),
                what=voucher.get_status_display(),
            )
        )
    entries.sort(key=lambda e: e.on)  # stable: within a day, in the order things follow one another
    return VoucherHistory(voucher=voucher, requests=requests, entries=entries)


# ------------------------------------------------------------------------------------------ the review desk


def request_parties(request: RedemptionRequest) -> set[int]:
    """The users who submitted or signed a request, or prepared its document: none of them decides it (OD-SOD-01).
    Two queries."""
    signers = request.signatures.exclude(signed_by=None).values_list("signed_by_id", flat=True)
    preparers = (
        Document.objects.filter(request=request).exclude(prepared_by=None).values_list("prepared_by_id", flat=True)
    )
    return {pk for pk in (request.submitted_by_id, *signers, *preparers) if pk is not None}


@dataclass(frozen=True)
class ReviewTerms:
    """What a program's parameters say about reviewing on a day: its business days, and whether a request must be
    approved by its voucher's expiry (AMB-08)."""

    calendar: str
    approval_by_expiry: bool
    separation_of_duties: bool  # OD-SOD-01: nobody decides a request they submitted, prepared or signed


def review_terms(*, on: dt.date) -> dict[str, ReviewTerms]:
    """Each program's review terms on a day, by program code: one query per program of the catalogue."""
    terms = {}
    for code, program in get_catalogue().programs.items():
        params = params_for(program_code=code, on=on)
        terms[code] = ReviewTerms(
            calendar=params["business_day_calendar"],
            approval_by_expiry=bool(params[policy_for(program).approval_by_expiry_param]),
            separation_of_duties=bool(params["review.separation_of_duties"]),
        )
    return terms


@dataclass(frozen=True)
class SlaClock:
    """Where a request's review stands against its SLA on a day (CSO-REV-01, MWS-REV-01, AMB-27)."""

    state: str  # "due" | "overdue" | "paused" | "decided"
    due_on: dt.date
    business_days: int = 0  # due: business days left after today; overdue: business days late

    @property
    def text(self) -> str:
        if self.state == "paused":
            return "paused: waiting for information"
        if self.state == "decided":
            return "decided"
        n = self.business_days
        unit = f"{n} business day{'s' if n != 1 else ''}"
        if self.state == "overdue":
            return f"overdue by {unit}" if n else "overdue"
        return "due today" if n == 0 else f"due in {unit}"


def sla_clock(request: RedemptionRequest, *, on: dt.date, calendar: str) -> SlaClock:
    """The request's SLA clock on `on`: paused while it waits for information, overdue from the day after its due
    date (counted in business days: a weekend after a Friday due date is "overdue" by none yet)."""
    due = request.sla_due_on
    if request.status == RequestStatus.NEEDS_INFO:
        return SlaClock("paused", due)
    if request.status != RequestStatus.RECEIVED:
        return SlaClock("decided", due)
    if on > due:
        return SlaClock("overdue", due, dates.business_days_between(due, on, calendar))
    return SlaClock("due", due, dates.business_days_between(on, due, calendar))


def expires_before_review(request: RedemptionRequest, terms: ReviewTerms) -> bool:
    """The voucher expires before the review is due, and the request must be approved by then (AMB-08): the
    reviewer is warned, and the queue puts it first."""
    return terms.approval_by_expiry and request.voucher.expiry_date < request.sla_due_on


QUEUE_STATUSES = (RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO)


def review_queue_filtered(
    *, user: User, program: str = "", kind: str = "", status: str = ""
) -> QuerySet[RedemptionRequest]:
    """The review queue, of one program, kind or status if given (each refused by field if unknown, OD-IN-01)."""
    qs = review_queue(user=user)
    if program:
        qs = qs.filter(
            voucher__offer__program__code=parsing.parse_choice(
                program, field="program", choices=list(get_catalogue().programs)
            )
        )
    if kind:
        qs = qs.filter(kind=parsing.parse_choice(kind, field="kind", choices=RequestKind.values))
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=[s.value for s in QUEUE_STATUSES]))
    return qs


@dataclass(frozen=True)
class ReviewFile:
    """Everything a reviewer weighs on one request: the document and what verifying it says, the signatures, the
    rules replayed on the submission and checked for an approval today, the review steps, the voucher's history,
    the SLA clock, and who may not decide it (OD-SOD-01)."""

    request: RedemptionRequest
    document: Document | None
    verification: Verification | None
    signatures: list[Signature]
    submission_findings: list[Finding]
    approval_findings: list[Finding]
    steps: list[Decision]
    history: VoucherHistory
    clock: SlaClock
    expires_first: bool
    terms: ReviewTerms
    parties: set[int]
    workloads: list[str]  # what a POE's users are verified on (the offer's workloads; CSO)
    reported_by_workload: list[tuple[str, int]]  # in the offer's order (a JSON column keeps none on PostgreSQL)
    verified_by_workload: list[tuple[str, int]]


def approval_facts(
    request: RedemptionRequest, *, voucher: Voucher, on: dt.date, params: Any, signed: set[str]
) -> RedemptionFacts:
    """The facts an approval of the request on `on` is decided on: the verified figures (CSO-PAY-03)."""
    return redemption_facts(
        voucher=voucher,
        partner=request.partner,
        kind=request.kind,
        on=on,
        template_id=request.template_id,
        signed_by=signed,
        params=params,
        verified_users=request.verified_users,
        verified_workload_users=request.verified_workload_users,
        submitted_on=request.submitted_on,
    )


def _params(request: RedemptionRequest, on: dt.date) -> Any:
    return params_for(program_code=request.voucher.offer.program.code, on=on)


def decision_attachment(*, user: User, request_key: int, step_key: int) -> tuple[str, bytes]:
    """The file a partner attached to an answer (its name and bytes), if the user may see the step and it is the
    request's; else not found."""
    step = decision_get_for(user=user, key=step_key)
    if step.request_id != request_key or not step.attachment:
        raise NotFound(f"no attachment on step {step_key}")
    with step.attachment.open("rb") as handle:
        return step.attachment_name, handle.read()


def review_file(*, user: User, key: int, on: dt.date | None = None) -> ReviewFile:
    """One request the user may see, with everything its review page shows (else not found). A fixed number of
    queries whatever the history's length; the document's bytes are read and verified as `document verify` does."""
    on = dates.today() if on is None else on
    request = access_get(
        request_list(user=user)
        .select_related("voucher__nomination", "submitted_by")
        .prefetch_related("voucher__requests"),
        what="request",
        pk=key,
    )
    voucher = request.voucher
    document = document_list(user=user).filter(request=request).prefetch_related("signatures__signed_by").first()
    verification = None
    if document is not None:
        _, data = document_file(user=user, key=document.key)
        verification = document_verify(data=data)
    signatures = list(signature_list(user=user).filter(request=request).select_related("signed_by"))
    signed = {s.party for s in signatures}
    submitted = redemption_facts(
        voucher=voucher,
        partner=request.partner,
        kind=request.kind,
        on=request.submitted_on,
        template_id=request.template_id,
        signed_by=signed,
        params=_params(request, request.submitted_on),
        value=request.value,
        users_deployed=request.users_deployed,
        workload_users=request.workload_users,
    )
    # Replayed on the voucher's requests made before this one (as they stand now), this one not yet among them.
    before = [r for r in voucher.requests.all() if (r.submitted_at, r.pk) < (request.submitted_at, request.pk)]
    submitted = replace(
        submitted,
        existing=tuple(
            ExistingRequest(
                kind=r.kind, partner_id=r.partner_id, is_open=r.is_open, is_approved=r.status == RequestStatus.APPROVED
            )
            for r in before
        ),
    )
    approval = approval_facts(request, voucher=voucher, on=on, params=_params(request, on), signed=signed)
    terms = review_terms(on=on)[voucher.offer.program.code]
    _, spec = offer_spec(offer=voucher.offer)
    return ReviewFile(
        request=request,
        document=document,
        verification=verification,
        signatures=signatures,
        submission_findings=engine.submission_findings(submitted),
        approval_findings=engine.approval_findings(approval) if request.status in QUEUE_STATUSES else [],
        steps=list(decision_list(user=user, request=request)),
        history=voucher_history(user=user, key=voucher.code),
        clock=sla_clock(request, on=on, calendar=terms.calendar),
        expires_first=expires_before_review(request, terms),
        terms=terms,
        parties=request_parties(request),
        workloads=list(spec.workloads) if request.kind == RequestKind.POE else [],
        reported_by_workload=[(w, request.workload_users[w]) for w in spec.workloads if w in request.workload_users],
        verified_by_workload=[
            (w, request.verified_workload_users[w]) for w in spec.workloads if w in request.verified_workload_users
        ],
    )
