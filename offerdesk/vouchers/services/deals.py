"""Recording a qualifying purchase (a deal) for a customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from offerdesk.accounts.access import MICROSOFT_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput
from offerdesk.core.money import MoneyError, parse_money
from offerdesk.customers.models import Customer

from ..choices import PolicyQuestion
from ..models import Deal


@audited_refusals("deal.record")
@transaction.atomic
def deal_record(
    *,
    actor: User | None,
    customer: Customer,
    value: Decimal | str,
    close_date: dt.date,
    workloads: Iterable[str],
    migration: Iterable[str] = (),
    closed_at: dt.datetime | None = None,
    upsell_attested: bool = True,
    policy_questions: Iterable[str] = (),
) -> Deal:
    """Record a qualifying purchase; what it qualifies for is decided when a voucher is issued."""
    access_require_role(actor, MICROSOFT_ROLES, action="record deals")
    try:
        amount = parse_money(value)
    except MoneyError as exc:
        raise InvalidInput(str(exc)) from exc
    names = [w.strip() for w in workloads if w.strip()]
    if not names:
        raise InvalidInput("a deal names at least one workload")
    questions = [q.strip() for q in policy_questions if q.strip()]
    unknown = [q for q in questions if q not in PolicyQuestion.values]
    if unknown:
        raise InvalidInput(f"unknown policy question(s) {unknown}; known: {', '.join(PolicyQuestion.values)}")
    if closed_at is not None and timezone.is_naive(closed_at):
        raise InvalidInput("a close time needs its time zone")
    if closed_at is not None and dates.local_date(closed_at) != close_date:
        raise InvalidInput("the close time falls on another day than the close date")
    deal = Deal.objects.create(
        customer=customer,
        value=amount,
        close_date=close_date,
        closed_at=closed_at,
        workloads=names,
        migration_sources=[m.strip() for m in migration if m.strip()],
        upsell_attested=upsell_attested,
        policy_questions=questions,
        recorded_at=dates.now(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="deal.record",
        target=deal,
        data={"tpid": customer.tpid, "value": str(amount), "close_date": close_date, "workloads": names},
    )
    return deal
