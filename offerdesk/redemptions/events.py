"""A request's webhook events (ADR 33): emitted in the transaction that submits or decides it."""

from __future__ import annotations

from typing import Any

from offerdesk.notifications.choices import WebhookEvent
from offerdesk.notifications.webhooks import webhook_emit

from .models import RedemptionRequest


def request_webhook_data(request: RedemptionRequest) -> dict[str, Any]:
    """A request as a webhook's `data` tells it (money as decimal strings, dates as ISO 8601)."""
    return {
        "request": request.pk,
        "kind": request.kind,
        "status": request.status,
        "voucher": request.voucher.code,
        "partner": request.partner_id,
        "value": None if request.value is None else f"{request.value:.2f}",
        "users_deployed": request.users_deployed,
        "submitted_on": request.submitted_on.isoformat(),
        "sla_due_on": request.sla_due_on.isoformat(),
    }


def request_event(request: RedemptionRequest, event: WebhookEvent, **extra: Any) -> int:
    """Tell the request's partner's webhooks, and the program's, what happened to it."""
    data = {**request_webhook_data(request), **extra}
    return webhook_emit(event=event, partner_id=request.partner_id, data=data, target=request)
