"""Reading the review queue: the most urgent request first."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.redemptions.models import RedemptionRequest, RequestStatus


def review_queue() -> QuerySet[RedemptionRequest]:
    """Requests awaiting a decision, by SLA due date, then by the voucher's expiry (AMB-08: CSO approvals
    must land by the expiry date), then by submission."""
    return (
        RedemptionRequest.objects.filter(status__in=(RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO))
        .select_related("voucher__offer__program", "voucher__customer", "partner")
        .order_by("sla_due_on", "voucher__expiry_date", "submitted_at", "id")
    )


def request_history(*, request: RedemptionRequest) -> QuerySet:  # type: ignore[type-arg]
    """Every step of a request's review, oldest first."""
    return request.decisions.select_related("decided_by").order_by("decided_at", "id")
