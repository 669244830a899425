"""Issuing vouchers: the CSO voucher when the partner accepts, the FY24 voucher against a deal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from offerdesk.accounts.access import MICROSOFT_ROLES, access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.models import Offer
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import evaluate
from offerdesk.catalogue.rules import quote as rules_quote
from offerdesk.catalogue.rules.facts import fail as _fail
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput, RuleViolation
from offerdesk.core.transitions import transition_apply
from offerdesk.customers.lock_objects import customer_lock
from offerdesk.customers.models import Customer
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import outbox_deliver_on_commit
from offerdesk.partners.models import Partner

from ..choices import NOMINATION_TRANSITIONS, NominationStatus, VoucherStatus
from ..models import Deal, Nomination, Voucher
from ..notices import notify_voucher
from ..selectors import deal_latest_for_rules, nomination_latest_for_rules, situation_for


def voucher_create(
    *,
    actor: User | None,
    nomination: Nomination,
    partner: Partner | None,
    on: dt.date,
    respond_by: dt.date | None = None,
    deal: Deal | None = None,
    face_value: Decimal | None = None,
    policy_decision: str = "",
) -> Voucher:
    """Quote, create and announce a voucher; the caller holds the customer's lock and checked access."""
    offer = nomination.offer
    situation = situation_for(
        customer=nomination.customer,
        offer=offer,
        on=on,
        partner=partner,
        nomination=nomination,
        deal=deal,
        face_value=face_value,
        respond_by=respond_by,
        policy_decision=policy_decision,
    )
    if not situation.params["tpid_limit_counts_expired"]:
        # An expired voucher no longer uses up the TPID's one voucher of its family (AMB-20 alternative).
        Voucher.objects.filter(
            customer=nomination.customer, family=offer.family, status=VoucherStatus.EXPIRED, holds_limit=True
        ).update(holds_limit=False, updated_at=dates.now())
    quote = rules_quote(situation)
    quote.raise_if_refused()
    findings, params = quote.findings, situation.params
    assert quote.cap is not None and quote.variant is not None
    cap, variant = quote.cap, quote.variant
    policy = policy_for(offer.program)
    terms = policy.voucher_terms(situation, cap=cap)
    face = terms.face_value
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(
                offer=offer,
                variant=variant,
                family=offer.family,
                customer=nomination.customer,
                nomination=nomination,
                deal=deal,
                partner=partner,
                face_value=face,
                cap_at_issue=cap,
                issue_date=on,
                expiry_date=policy.expiry_date(on, params),
                issued_by=actor,
                paid_in_scope_at_issue=terms.paid_in_scope_at_issue,
                unused_at_issue=terms.unused_at_issue,
            )
    except IntegrityError as exc:  # a concurrent issue won the one-voucher-per-TPID slot
        raise RuleViolation(
            [
                _fail(
                    situation.offer.limit_rules[0],
                    f"TPID {nomination.customer.tpid} already holds a voucher of this kind",
                )
            ]
        ) from exc
    if nomination.status == NominationStatus.ACTIVE:
        transition_apply(nomination, NOMINATION_TRANSITIONS, NominationStatus.CLOSED, what="nomination")
    audit_record(
        actor=actor,
        action="voucher.issue",
        target=voucher,
        data={
            "offer": offer.code,
            "variant": variant,
            "face_value": str(face),
            "cap": str(cap),
            "expiry_date": voucher.expiry_date,
            "rules": [f.rule for f in findings],
            "policy_decision": policy_decision,
        },
    )
    notify_voucher(voucher, NoticeKind.VOUCHER_ISSUED)
    outbox_deliver_on_commit()
    return voucher


@audited_refusals("voucher.issue")
@transaction.atomic
def voucher_issue(
    *, actor: User | None, customer: Customer, offer: Offer, face_value: Decimal | str, policy_decision: str = ""
) -> Voucher:
    """Issue a FY24 voucher against the customer's latest deal, at a fixed face value ≤ the cap (MWS-CAP-09).
    A deal with an open policy question (AMB-31) needs a program operator's decision, with its reason."""
    access_require_role(actor, MICROSOFT_ROLES, action="issue vouchers")
    value = parsing.parse_money(face_value, field="face value")
    policy_decision = parsing.parse_note(policy_decision, field="policy decision", required=False)
    if policy_decision:
        access_require_role(actor, {Role.OPERATOR}, action="decide a policy question (AMB-31)")
    if policy_for(offer.program).refers_nomination:
        raise InvalidInput("a Customer Success Offer voucher is issued when the mapped partner accepts the referral")
    if value <= 0:
        raise InvalidInput("a voucher's face value must be above $0.00")
    customer_lock(customer_id=customer.pk)
    nomination = nomination_latest_for_rules(customer=customer, offer=offer)
    deal = deal_latest_for_rules(customer=customer)
    if nomination is None:  # every rule is still evaluated, so the refusal lists all that fail (MWS-NOM-02 too)
        evaluate("issue", situation_for(customer=customer, offer=offer, on=dates.today(), deal=deal, face_value=value))
        raise RuleViolation([_fail("MWS-NOM-02", f"{customer.name} has not been nominated for the {offer.name}")])
    return voucher_create(
        actor=actor,
        nomination=nomination,
        partner=None,
        on=dates.today(),
        deal=deal,
        face_value=value,
        policy_decision=policy_decision,
    )
