"""The review conversation: verify seats, approve (and schedule payment), reject with a reason, ask for
information and hear the answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from offerdesk.accounts.access import access_partner_acting_for, access_require_role, access_separation_of_duties
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import evaluate_redemption
from offerdesk.catalogue.selectors import offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput
from offerdesk.core.money import format_usd
from offerdesk.core.transitions import transition_apply
from offerdesk.notifications.choices import NoticeKind, WebhookEvent
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit
from offerdesk.payouts.services import payment_for_approval
from offerdesk.redemptions.choices import REQUEST_TRANSITIONS, RequestKind, RequestStatus
from offerdesk.redemptions.events import request_event
from offerdesk.redemptions.lock_objects import request_lock
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import redemption_figures
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.notices import voucher_context
from offerdesk.vouchers.services import voucher_release_partner, voucher_set_status

from .choices import Outcome, RejectReason
from .models import Decision, SlaAlert
from .selectors import approval_facts, request_parties

REVIEW_ROLES = frozenset({Role.REVIEWER})
VERIFY_ROLES = frozenset({Role.REVIEWER, Role.OPERATOR})  # who records the users Microsoft verified
# Who opens the review desk (the queue, a request's file): reviewers work it, operators and auditors read it
# (product.md); finance, sellers, FPMs and tenants' users have no business there. The portal and the API ask it.
DESK_ROLES = frozenset({Role.REVIEWER, Role.OPERATOR, Role.AUDITOR})
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# What an answer may attach, told by the file's first bytes, never by its name or declared type.
ATTACHMENT_KINDS = {b"%PDF-": ".pdf", b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


def _parse_attachment(raw: object) -> tuple[str, bytes, str]:
    """An answer's file as (name, bytes): at most 20 MB, a PDF, PNG or JPEG by its content (OD-IN-01)."""
    if not (isinstance(raw, tuple) and len(raw) == 2 and isinstance(raw[1], bytes | bytearray)):
        raise parsing.refuse("attachment", f"must be a file's name and bytes, not {parsing.shown(raw)}")
    name = parsing.parse_name(raw[0], field="attachment name", max_length=200)
    data = bytes(raw[1])
    if not data:
        raise parsing.refuse("attachment", "the file is empty")
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise parsing.refuse("attachment", f"has {len(data):,} bytes; at most {ATTACHMENT_MAX_BYTES:,}")
    extension = next((ext for magic, ext in ATTACHMENT_KINDS.items() if data.startswith(magic)), None)
    if extension is None:
        raise parsing.refuse("attachment", f"{name} is not a PDF, PNG or JPEG file, whatever its name says")
    return name, data, extension


def _notify_partner(request: RedemptionRequest, voucher: Voucher, kind: NoticeKind, **extra: Any) -> None:
    """Decisions go to the partner's primary contact; CSO copies the FPM on every e-mail to the partner."""
    partner = request.partner
    cc = [partner.program_manager] if policy_for(voucher.offer.program).copies_partner_manager else []
    context = {
        **voucher_context(voucher),
        "partner_name": partner.name,
        "request_kind": request.kind,
        "decided_on": dates.today().isoformat(),
        **extra,
    }
    notice_queue(kind=kind, to=[partner.primary_contact], cc=cc, context=context, target=request)
    outbox_deliver_on_commit()


def _check_separation_of_duties(
    actor: User | None, request: RedemptionRequest, voucher: Voucher, *, action: str
) -> None:
    """The one who submitted, prepared or signed a request does not decide it (OD-SOD-01)."""
    params = params_for(program_code=voucher.offer.program.code, on=dates.today())
    access_separation_of_duties(
        actor, parties=request_parties(request), action=action, enforce=params["review.separation_of_duties"]
    )


def _check_not_before_submission(request: RedemptionRequest, on: dt.date) -> None:
    if on < request.submitted_on:
        raise InvalidInput(
            f"dates out of order: a decision on {on} comes before the submission on {request.submitted_on}"
        )


@audited_refusals("review.approve")
@transaction.atomic
def review_approve(*, actor: User | None, request: RedemptionRequest, reason: str = "") -> RedemptionRequest:
    """Approve a request; a paying approval schedules its payment in the same transaction."""
    access_require_role(actor, REVIEW_ROLES, action="approve requests")
    reason = parsing.parse_note(reason, field="reason", required=False)
    request, voucher = request_lock(request=request)
    _check_separation_of_duties(actor, request, voucher, action="approve")
    if request.status != RequestStatus.RECEIVED:
        raise InvalidInput(f"only a received request can be approved; this one is {request.status}")
    now = dates.now()
    on = dates.local_date(now)
    _check_not_before_submission(request, on)
    params = params_for(program_code=voucher.offer.program.code, on=on)
    signed = set(request.signatures.values_list("party", flat=True))
    evaluate_redemption("approve", approval_facts(request, voucher=voucher, on=on, params=params, signed=signed))
    request.decided_at = now
    transition_apply(request, REQUEST_TRANSITIONS, RequestStatus.APPROVED, what="request", extra_fields=("decided_at",))
    Decision.objects.create(request=request, outcome=Outcome.APPROVED, reason=reason, decided_at=now, decided_by=actor)
    payment = payment_for_approval(request=request, voucher=voucher, params=params, approved_on=on)
    if request.kind == RequestKind.POE:
        voucher_set_status(voucher=voucher, new=VoucherStatus.COMPLETED)
    audit_record(
        actor=actor,
        action="review.approve",
        target=request,
        data={
            "payment": str(payment.amount) if payment else "0.00",
            "payable_on": payment.payable_on if payment else None,
        },
    )
    request_event(
        request,
        WebhookEvent.REQUEST_APPROVED,
        payment=payment.pk if payment else None,
        amount=f"{payment.amount:.2f}" if payment else None,
        payable_on=payment.payable_on.isoformat() if payment else None,
    )
    _notify_partner(
        request,
        voucher,
        NoticeKind.REQUEST_APPROVED,
        amount=format_usd(payment.amount) if payment else "",
        payable_on=payment.payable_on.isoformat() if payment else "",
    )
    return request


@audited_refusals("review.reject")
@transaction.atomic
def review_reject(
    *, actor: User | None, request: RedemptionRequest, reason: str, reason_code: str = ""
) -> RedemptionRequest:
    """Reject a request with a reason: the words the partner can act on, after one of the listed grounds if
    given (`RejectReason`; "other" needs the words); a rejected SOW may be replaced before expiry (AMB-32)."""
    access_require_role(actor, REVIEW_ROLES, action="reject requests")
    words = parsing.parse_note(reason, field="reason", required=False)
    code = parsing.parse_name(reason_code, field="reason code", max_length=20, required=False)
    if code:
        code = parsing.parse_choice(code, field="reason code", choices=RejectReason.values)
    if not words and (not code or code == RejectReason.OTHER):
        raise parsing.refuse("reason", "a rejection needs a reason the partner can act on")
    ground = RejectReason(code).label if code and code != RejectReason.OTHER else ""
    reason = f"{ground}: {words}" if ground and words else ground or words
    request, voucher = request_lock(request=request)
    _check_separation_of_duties(actor, request, voucher, action="reject")
    now = dates.now()
    _check_not_before_submission(request, dates.local_date(now))
    request.decided_at = now
    transition_apply(request, REQUEST_TRANSITIONS, RequestStatus.REJECTED, what="request", extra_fields=("decided_at",))
    Decision.objects.create(
        request=request,
        outcome=Outcome.REJECTED,
        reason=reason,
        reason_code=code,
        decided_at=now,
        decided_by=actor,
    )
    live = voucher.requests.exclude(status__in=(RequestStatus.REJECTED, RequestStatus.WITHDRAWN))
    if not live.exists():
        if policy_for(voucher.offer.program).binds_partner_at_redemption:
            voucher_release_partner(voucher=voucher)  # nothing binds the voucher to this partner any more
        if voucher.status == VoucherStatus.REDEEMING:
            voucher_set_status(voucher=voucher, new=VoucherStatus.OPEN)
    audit_record(actor=actor, action="review.reject", target=request, data={"reason": reason, "reason_code": code})
    request_event(request, WebhookEvent.REQUEST_REJECTED, reason=reason, reason_code=code)
    _notify_partner(request, voucher, NoticeKind.REQUEST_REJECTED, reason=reason)
    return request


@audited_refusals("review.request_info")
@transaction.atomic
def review_request_info(*, actor: User | None, request: RedemptionRequest, question: str) -> RedemptionRequest:
    """Ask the partner for more information; the SLA clock pauses until it answers (AMB-27)."""
    access_require_role(actor, REVIEW_ROLES, action="ask for information")
    question = parsing.parse_note(question, field="question", required=False)
    if not question:
        raise parsing.refuse("question", "say what information is needed")
    request, voucher = request_lock(request=request)
    _check_separation_of_duties(actor, request, voucher, action="question")
    now = dates.now()
    _check_not_before_submission(request, dates.local_date(now))
    request.sla_paused_on = dates.local_date(now)
    transition_apply(
        request, REQUEST_TRANSITIONS, RequestStatus.NEEDS_INFO, what="request", extra_fields=("sla_paused_on",)
    )
    Decision.objects.create(
        request=request, outcome=Outcome.INFO_REQUESTED, reason=question, decided_at=now, decided_by=actor
    )
    audit_record(actor=actor, action="review.request_info", target=request, data={"question": question})
    request_event(request, WebhookEvent.REQUEST_NEEDS_INFORMATION, question=question)
    _notify_partner(request, voucher, NoticeKind.INFO_REQUESTED, reason=question)
    return request


@audited_refusals("redemption.verify_seats")
@transaction.atomic
def review_verify_seats(
    *,
    actor: User | None,
    request: RedemptionRequest,
    users: int | str,
    workload_users: Mapping[str, int | str] | None = None,
) -> RedemptionRequest:
    """Microsoft records the deployed users it verified for a POE (CSO-USR-04) and, for an offer that counts
    workloads (CSO), the users it verified on each, which the approval checks CSO-WL-02 on again (CSO-PAY-03)."""
    access_require_role(actor, VERIFY_ROLES, action="verify deployed seats")
    users = parsing.parse_whole(users, field="verified users")
    request, voucher = request_lock(request=request)
    _check_separation_of_duties(actor, request, voucher, action="verify the seats of")
    if request.kind != RequestKind.POE:
        raise InvalidInput("seats are verified on a POE")
    if request.status not in (RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO):
        raise InvalidInput(f"this POE is already {request.status}")
    _, spec = offer_spec(offer=voucher.offer)
    _, _, per_workload = redemption_figures(
        kind=request.kind,
        value=None,
        users_deployed=users,
        workload_users=workload_users or {},
        workloads=spec.workloads,
    )
    request.verified_users = users
    request.verified_workload_users = per_workload
    request.save(update_fields=["verified_users", "verified_workload_users", "updated_at"])
    counts = "".join(f"; {name}: {count}" for name, count in per_workload.items())
    Decision.objects.create(
        request=request,
        outcome=Outcome.SEATS_VERIFIED,
        reason=f"{users} users verified{counts}",
        decided_at=dates.now(),
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action="redemption.verify_seats",
        target=request,
        data={"users": users, "workload_users": per_workload},
    )
    return request


@audited_refusals("redemption.provide_info")
@transaction.atomic
def review_provide_info(
    *,
    actor: User | None,
    request: RedemptionRequest,
    note: str,
    attachment: tuple[str, bytes] | None = None,
) -> RedemptionRequest:
    """The partner answers a reviewer's question, with a file (name, bytes) if it helps; the SLA clock restarts
    where it paused (AMB-27)."""
    access_partner_acting_for(actor, request.partner_id, action="answer a reviewer")
    note = parsing.parse_note(note, field="note", required=False)
    if not note:
        raise parsing.refuse("note", "say what information is provided")
    attached = _parse_attachment(attachment) if attachment is not None else None
    request, voucher = request_lock(request=request)
    on = dates.today()
    params = params_for(program_code=voucher.offer.program.code, on=on)
    paused = request.sla_paused_on or on
    extra = dates.business_days_between(paused, on, params["business_day_calendar"])
    request.sla_due_on = dates.add_business_days(request.sla_due_on, extra, params["business_day_calendar"])
    request.sla_paused_on = None
    transition_apply(
        request,
        REQUEST_TRANSITIONS,
        RequestStatus.RECEIVED,
        what="request",
        extra_fields=("sla_due_on", "sla_paused_on"),
    )
    step = Decision(
        request=request, outcome=Outcome.INFO_PROVIDED, reason=note, decided_at=dates.now(), decided_by=actor
    )
    if attached is not None:
        name, data, extension = attached
        step.attachment_name, step.attachment_sha256 = name, hashlib.sha256(data).hexdigest()
        # A random name: nothing about the partner or the request shows in the storage's listing.
        step.attachment.save(f"{secrets.token_hex(16)}{extension}", ContentFile(data), save=False)
    step.save()
    audit_record(
        actor=actor,
        action="redemption.provide_info",
        target=request,
        data={
            "note": note,
            "sla_due_on": request.sla_due_on,
            "attachment": step.attachment_name,
            "attachment_sha256": step.attachment_sha256,
        },
    )
    return request


# ------------------------------------------------------------------------------------ SLA breach alerts


def review_sla_alerts_send(*, on: dt.date) -> int:
    """Tell the registrations team's mailbox (OFFERDESK_REGISTRATIONS_EMAIL) of each request whose review became
    overdue: received (not waiting for information, whose clock is paused), its due date passed, on the first
    business day after it (ADR 26). Once per request, whatever the runs: a missed day is caught up, a second run
    or a second worker sends nothing more."""
    if not settings.OFFERDESK_REGISTRATIONS_EMAIL:
        return 0  # nobody to tell: nothing is marked told, so the alerts go once the mailbox is set
    sent = 0
    due = RedemptionRequest.objects.filter(
        status=RequestStatus.RECEIVED, sla_due_on__lt=on, sla_alert__isnull=True
    ).select_related("voucher__offer__program", "voucher__customer", "partner")
    calendars: dict[str, str] = {}
    for request in due.order_by("sla_due_on", "id"):
        program = request.voucher.offer.program
        if program.code not in calendars:
            calendars[program.code] = params_for(program_code=program.code, on=on)["business_day_calendar"]
        if not dates.is_business_day(on, calendars[program.code]):
            continue  # nobody reads the mailbox today: the alert waits for the first business day
        try:
            with transaction.atomic():
                SlaAlert.objects.create(request=request, due_on=request.sla_due_on, sent_on=on)
                _alert_overdue(request, on=on, calendar=calendars[program.code])
        except IntegrityError:  # another run told the team first
            continue
        sent += 1
    if sent:
        outbox_deliver_on_commit()
    return sent


def _alert_overdue(request: RedemptionRequest, *, on: dt.date, calendar: str) -> None:
    voucher = request.voucher
    notice_queue(
        kind=NoticeKind.REVIEW_OVERDUE,
        to=[settings.OFFERDESK_REGISTRATIONS_EMAIL],
        target=request,
        context={
            **voucher_context(voucher),
            "partner_name": request.partner.name,
            "request_kind": request.kind,
            "submitted_on": request.submitted_on.isoformat(),
            "due_on": request.sla_due_on.isoformat(),
            "overdue_days": dates.business_days_between(request.sla_due_on, on, calendar),
            "review_url": f"{settings.OFFERDESK_SITE_URL.rstrip('/')}/staff/reviews/{request.pk}/",
        },
    )
    audit_record(
        actor=None,
        action="review.sla_alert",
        target=request,
        data={"due_on": request.sla_due_on, "sent_on": on, "to": settings.OFFERDESK_REGISTRATIONS_EMAIL},
    )
