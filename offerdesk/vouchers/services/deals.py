"""Recording a qualifying purchase (a deal) for a customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.db import transaction

from offerdesk.accounts.access import MICROSOFT_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.selectors import catalogue_skus
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput
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
    amount = parsing.parse_money(value, field="deal value")
    close_date = parsing.parse_date(close_date, field="close date")
    names = parsing.parse_choices(workloads, field="workloads", choices=catalogue_skus(), skip_blank=True)
    if not names:
        raise parsing.refuse("workloads", "a deal names at least one workload")
    # What a deal migrates from is a fact the rule judges (MWS-ELIG-05), so any label is recorded.
    item = partial(parsing.parse_name, max_length=80, required=False)
    migration_sources = [m for m in parsing.parse_list(migration, field="migration", item=item) if m]
    upsell_attested = parsing.parse_bool(upsell_attested, field="upsell attested")
    questions = [q for q in parsing.parse_list(policy_questions, field="policy questions", item=item) if q]
    unknown = [q for q in questions if q not in PolicyQuestion.values]
    if unknown:
        raise parsing.refuse(
            "policy questions", f"unknown policy question(s) {unknown}; known: {', '.join(PolicyQuestion.values)}"
        )
    if closed_at is not None:
        closed_at = parsing.parse_moment(closed_at, field="close time")
    if closed_at is not None and dates.local_date(closed_at) != close_date:
        raise InvalidInput("the close time falls on another day than the close date")
    deal = Deal.objects.create(
        customer=customer,
        value=amount,
        close_date=close_date,
        closed_at=closed_at,
        workloads=names,
        migration_sources=migration_sources,
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
