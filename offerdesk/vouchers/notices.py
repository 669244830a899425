"""Who hears about a voucher, per the program's copy rules (CSO-NOT-01, MWS-NOT-01, AMB-26); and the webhooks of
its partner's and the program's subscriptions (ADR 33)."""

from __future__ import annotations

from typing import Any

from offerdesk.catalogue.policies import policy_for
from offerdesk.core.money import format_usd
from offerdesk.customers.choices import ContactKind
from offerdesk.customers.models import Customer
from offerdesk.notifications.choices import NoticeKind, WebhookEvent
from offerdesk.notifications.services import notice_queue
from offerdesk.notifications.webhooks import webhook_emit

from .models import Voucher


def customer_addresses(customer: Customer) -> tuple[list[str], list[str]]:
    """The customer's contacts, and its Microsoft account team."""
    contacts = list(customer.contacts.all())
    return (
        [c.email for c in contacts if c.kind == ContactKind.CONTACT],
        [c.email for c in contacts if c.kind == ContactKind.ACCOUNT_TEAM],
    )


def voucher_context(voucher: Voucher) -> dict[str, Any]:
    return {
        "program_name": voucher.offer.program.name,
        "offer_name": voucher.offer.name,
        "customer_name": voucher.customer.name,
        "tpid": voucher.customer.tpid,
        "voucher_code": voucher.code,
        "face_value": format_usd(voucher.face_value),
        "issue_date": voucher.issue_date.isoformat(),
        "expiry_date": voucher.expiry_date.isoformat(),
        "partner_name": voucher.partner.name if voucher.partner else "",
    }


# The notices that are also webhook events.
VOUCHER_EVENTS = {
    NoticeKind.VOUCHER_ISSUED: WebhookEvent.VOUCHER_ISSUED,
    NoticeKind.EXPIRY_REMINDER: WebhookEvent.VOUCHER_EXPIRING,
}


def voucher_webhook_data(voucher: Voucher) -> dict[str, Any]:
    """A voucher as a webhook's `data` tells it (money as decimal strings, dates as ISO 8601)."""
    return {
        "voucher": voucher.code,
        "program": voucher.offer.program.code,
        "offer": voucher.offer.code,
        "status": voucher.status,
        "customer_tpid": voucher.customer.tpid,
        "customer_name": voucher.customer.name,
        "partner": voucher.partner_id,
        "face_value": f"{voucher.face_value:.2f}",
        "issue_date": voucher.issue_date.isoformat(),
        "expiry_date": voucher.expiry_date.isoformat(),
    }


def notify_voucher(voucher: Voucher, kind: NoticeKind, **extra: Any) -> None:
    """CSO: the mapped partner, FPM in copy (and the customer on issue). FY24: the customer, account team in copy.
    The event goes to the webhooks of the voucher's partner (if it has one yet) and the program's."""
    event = VOUCHER_EVENTS.get(kind)
    if event is not None:
        webhook_emit(
            event=event, partner_id=voucher.partner_id, data={**voucher_webhook_data(voucher), **extra}, target=voucher
        )
    context = {**voucher_context(voucher), **extra}
    contacts, account_team = customer_addresses(voucher.customer)
    if policy_for(voucher.offer.program).notifies_partner_of_voucher:
        partner = voucher.partner
        assert partner is not None
        notice_queue(
            kind=kind,
            to=[partner.primary_contact],
            cc=[partner.program_manager],
            context=context,
            target=voucher,
        )
        if kind == NoticeKind.VOUCHER_ISSUED:
            notice_queue(kind=kind, to=contacts, context=context, target=voucher)
        return
    notice_queue(kind=kind, to=contacts, cc=account_team, context=context, target=voucher)
