"""Reading the review queue and the decisions, within the reader's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from offerdesk.accounts.access import access_decision_scope, access_get, access_request_scope, access_scoped
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core import dates, parsing
from offerdesk.core.money import format_usd
from offerdesk.payouts.selectors import payment_list
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.selectors import request_list
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
