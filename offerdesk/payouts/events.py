"""Payments' and statements' webhook events (ADR 33): emitted in the transaction that schedules, pays or
publishes them."""

from __future__ import annotations

from typing import Any

from offerdesk.notifications.choices import WebhookEvent
from offerdesk.notifications.webhooks import webhook_emit

from .models import Payment, PaymentRunItem, Statement


def payment_webhook_data(payment: Payment) -> dict[str, Any]:
    """A payment as a webhook's `data` tells it (money as decimal strings, dates as ISO 8601)."""
    return {
        "payment": payment.pk,
        "request": payment.request_id,
        "voucher": payment.voucher.code,
        "partner": payment.partner_id,
        "kind": payment.kind,
        "amount": f"{payment.amount:.2f}",
        "currency": payment.currency,
        "payable_on": payment.payable_on.isoformat(),
    }


def payment_scheduled(payment: Payment) -> int:
    """An approval scheduled a payment."""
    return webhook_emit(
        event=WebhookEvent.PAYMENT_SCHEDULED,
        partner_id=payment.partner_id,
        data=payment_webhook_data(payment),
        target=payment,
    )


def payment_paid(item: PaymentRunItem) -> int:
    """The payment system paid a run's item: the partner's payment, in its currency."""
    payment = item.payment
    data = {
        **payment_webhook_data(payment),
        "run": item.run_id,
        "local_amount": f"{item.local_amount:.2f}",
        "local_currency": item.currency,
        "paid_at": item.settled_at,
    }
    return webhook_emit(event=WebhookEvent.PAYMENT_PAID, partner_id=payment.partner_id, data=data, target=payment)


def statement_published(statement: Statement) -> int:
    """A partner's monthly statement was published."""
    data = {
        "statement": statement.pk,
        "partner": statement.partner_id,
        "month": statement.month.strftime("%Y-%m"),
        "published_at": statement.published_at,
    }
    return webhook_emit(
        event=WebhookEvent.STATEMENT_PUBLISHED, partner_id=statement.partner_id, data=data, target=statement
    )
