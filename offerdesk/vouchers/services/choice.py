"""A FY24 customer takes its voucher to the approved FRP of its choice (MWS-NOM-04)."""

from __future__ import annotations

from django.db import transaction

from offerdesk.accounts.access import access_customer_acting_for
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules.facts import fail
from offerdesk.core import parsing
from offerdesk.core.errors import InvalidInput, RuleViolation
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit
from offerdesk.partners.models import Partner

from ..choices import VoucherStatus
from ..lock_objects import voucher_lock
from ..models import Voucher
from ..notices import customer_addresses, voucher_context
from ..selectors import customer_facts, partner_facts


@audited_refusals("voucher.choose_partner")
@transaction.atomic
def voucher_choose_partner(*, actor: User | None, voucher: Voucher, partner: Partner) -> Voucher:
    """The customer chooses the partner that will redeem its open FY24 voucher: the voucher is bound to it
    (so no other partner can redeem it, MWS-LIM-04), the partner is e-mailed and sees it. The choice may
    change while no request is live; choosing the partner already chosen changes nothing (ADR 13)."""
    access_customer_acting_for(actor, voucher.customer_id, action="choose a voucher's partner")
    if not isinstance(partner, Partner):
        raise parsing.refuse("partner", f"must be a partner, not {parsing.shown(partner)}")
    voucher = voucher_lock(voucher_id=voucher.pk)
    if voucher.partner_id == partner.pk:
        return voucher
    policy = policy_for(voucher.offer.program)
    findings = policy.partner_choice_findings(customer_facts(customer=voucher.customer), partner_facts(partner=partner))
    if all(f.ok for f in findings) and voucher.status == VoucherStatus.REDEEMING:
        assert voucher.partner is not None  # a redeeming FY24 voucher is bound to its partner
        findings = (fail("MWS-LIM-04", f"only one partner can redeem a voucher, and {voucher.partner.name} does"),)
    if not all(f.ok for f in findings):
        raise RuleViolation(findings)
    if voucher.status != VoucherStatus.OPEN:
        raise InvalidInput(f"the voucher is {voucher.status}: no partner can redeem it any more")
    previous = voucher.partner
    voucher.partner = partner
    voucher.save(update_fields=["partner", "updated_at"])
    audit_record(
        actor=actor,
        action="voucher.choose_partner",
        target=voucher,
        data={"partner": partner.name, "previous": previous.name if previous else None},
    )
    contacts, _ = customer_addresses(voucher.customer)
    notice_queue(
        kind=NoticeKind.PARTNER_CHOSEN,
        to=[partner.primary_contact],
        context={**voucher_context(voucher), "customer_contacts": ", ".join(contacts)},
        target=voucher,
    )
    outbox_deliver_on_commit()
    return voucher
