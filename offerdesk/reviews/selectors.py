"""Reading the review queue and the decisions, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_decision_scope, access_get, access_request_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.models import RedemptionRequest

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
