"""Nominating a customer for an offer; a CSO nomination refers it to its mapped partner."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from offerdesk.accounts.access import MICROSOFT_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.models import Offer
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import evaluate
from offerdesk.catalogue.selectors import params_for
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput
from offerdesk.customers.lock_objects import customer_lock
from offerdesk.customers.models import Customer
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit
from offerdesk.partners.models import Partner

from ..choices import NominationStatus
from ..models import Nomination, Referral
from ..selectors import situation_for


@audited_refusals("nomination.create")
@transaction.atomic
def nomination_create(
    *, actor: User | None, customer: Customer, offer: Offer, partner: Partner | None = None
) -> Nomination:
    """Microsoft nominates a customer for an offer; a CSO nomination maps one partner and refers it."""
    policy = policy_for(offer.program)
    access_require_role(actor, MICROSOFT_ROLES, action="nominate customers", rules=policy.nomination_rules)
    customer_lock(customer_id=customer.pk)
    now = dates.now()
    on = dates.local_date(now)
    if not policy.refers_nomination and partner is not None:
        raise InvalidInput("FY24 nominations name no partner: the customer chooses one at redemption (MWS-NOM-04)")
    evaluate("nominate", situation_for(customer=customer, offer=offer, on=on, partner=partner))
    if Nomination.objects.filter(customer=customer, offer=offer, status=NominationStatus.ACTIVE).exists():
        raise InvalidInput(f"{customer.name} already has an open nomination for the {offer.name}")
    nomination = Nomination.objects.create(
        customer=customer, offer=offer, partner=partner, nominated_at=now, nominated_by=actor
    )
    audit_record(
        actor=actor,
        action="nomination.create",
        target=nomination,
        data={"offer": offer.code, "tpid": customer.tpid, "partner": partner.name if partner else None},
    )
    if policy.refers_nomination:
        assert partner is not None  # the nomination rules refuse a referral to nobody
        params = params_for(program_code=offer.program.code, on=on)
        referral = Referral.objects.create(
            nomination=nomination,
            partner=partner,
            notified_on=on,
            respond_by=on + dt.timedelta(days=params["cso.intent_days"]),
        )
        notice_queue(
            kind=NoticeKind.REFERRAL,
            to=[partner.primary_contact],
            cc=[partner.program_manager],
            target=referral,
            context={
                "program_name": offer.program.name,
                "offer_name": offer.name,
                "partner_name": partner.name,
                "customer_name": customer.name,
                "tpid": customer.tpid,
                "respond_by": referral.respond_by.isoformat(),
            },
        )
        outbox_deliver_on_commit()
    return nomination
