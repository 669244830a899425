"""Reading vouchers, and the facts the rule book looks at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from offerdesk.accounts.access import (
    access_deal_scope,
    access_get,
    access_nomination_scope,
    access_referral_scope,
    access_scoped,
    access_voucher_scope,
)
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.models import Offer
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import Quote, Situation
from offerdesk.catalogue.rules import quote as rules_quote
from offerdesk.catalogue.rules.facts import CustomerFacts, DealFacts, HeldVoucher, PartnerFacts
from offerdesk.catalogue.selectors import offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import NotFound
from offerdesk.customers.models import Customer
from offerdesk.partners.models import Partner

from .choices import LIVE_VOUCHER_STATUSES, NominationStatus, ReferralStatus, VoucherStatus
from .models import Deal, Nomination, Referral, Voucher


def customer_facts(*, customer: Customer) -> CustomerFacts:
    """Everything the rules need to know about a customer, in five queries."""
    seats = list(customer.seats.all())
    return CustomerFacts(
        tpid=customer.tpid,
        sector=customer.sector,
        segment=customer.segment,
        country=customer.country,
        ecif_funded=customer.ecif_funded,
        company_group_id=customer.company_group_id,
        seats_paid={s.sku: s.paid for s in seats},
        seats_in_use={s.sku: s.in_use for s in seats},
        mau={u.workload: u.mau for u in customer.usage.all()},
        prior_licences=tuple((p.sku, p.quantity, p.as_of) for p in customer.prior_licences.all()),
        held=tuple(
            HeldVoucher(
                code=v.code,
                offer_name=v.offer.name,
                family=v.family,
                cancelled=v.status == VoucherStatus.CANCELLED,
                expired=v.status == VoucherStatus.EXPIRED,
            )
            for v in Voucher.objects.filter(customer=customer, holds_limit=True).select_related("offer")
        ),
    )


def partner_facts(*, partner: Partner) -> PartnerFacts:
    """What the rules know of a partner: who it is, whether it is an approved FRP, its company group."""
    return PartnerFacts(
        id=partner.pk,
        name=partner.name,
        approved=partner.is_approved_frp,
        company_group_id=partner.company_group_id,
    )


def deal_facts(*, deal: Deal) -> DealFacts:
    """What the rules know of a recorded deal: its value, dates, workloads, migration and answers."""
    return DealFacts(
        value=deal.value,
        close_date=deal.close_date,
        closed_at=deal.closed_at,
        workloads=frozenset(deal.workloads),
        migration=frozenset(deal.migration_sources),
        upsell_attested=deal.upsell_attested,
        policy_questions=tuple(deal.policy_questions),
    )


def deal_latest_for_rules(*, customer: Customer) -> Deal | None:
    """The customer's most recently recorded deal, for the rules and services (unscoped: never show it)."""
    return Deal.objects.filter(customer=customer).order_by("-recorded_at", "-id").first()


def nomination_latest_for_rules(
    *, customer: Customer, offer: Offer, statuses: tuple[str, ...] | None = None
) -> Nomination | None:
    """The customer's newest nomination for an offer, for the rules and services (unscoped: never show it)."""
    qs = Nomination.objects.filter(customer=customer, offer=offer)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-nominated_at", "-id").first()


def situation_for(
    *,
    customer: Customer,
    offer: Offer,
    on: dt.date,
    partner: Partner | None = None,
    nomination: Nomination | None = None,
    deal: Deal | None = None,
    face_value: Decimal | None = None,
    respond_by: dt.date | None = None,
    policy_decision: str = "",
) -> Situation:
    """The facts the rules look at for this customer, offer and day."""
    program, spec = offer_spec(offer=offer)
    return Situation(
        program=program,
        offer=spec,
        params=params_for(program_code=program.code, on=on),
        on=on,
        customer=customer_facts(customer=customer),
        partner=partner_facts(partner=partner) if partner else None,
        nominated_at=nomination.nominated_at if nomination else None,
        nominated_on=dates.local_date(nomination.nominated_at) if nomination else None,
        deal=deal_facts(deal=deal) if deal else None,
        face_value=face_value,
        respond_by=respond_by,
        policy_decision=policy_decision,
    )


def voucher_quote(*, customer: Customer, offer: Offer, on: dt.date | None = None) -> Quote:
    """Which cap the customer would get under the offer if issued on `on`, and every reason why not."""
    on = on or dates.today()
    if policy_for(offer.program).refers_nomination:  # the referred partner and its intent window count
        nomination = nomination_latest_for_rules(customer=customer, offer=offer, statuses=(NominationStatus.ACTIVE,))
        referral = getattr(nomination, "referral", None) if nomination else None
        return rules_quote(
            situation_for(
                customer=customer,
                offer=offer,
                on=on,
                partner=nomination.partner if nomination else None,
                nomination=nomination,
                respond_by=referral.respond_by if referral else None,
            )
        )
    nomination = nomination_latest_for_rules(customer=customer, offer=offer)
    return rules_quote(
        situation_for(
            customer=customer, offer=offer, on=on, nomination=nomination, deal=deal_latest_for_rules(customer=customer)
        )
    )


def voucher_latest_unscoped(*, customer: Customer, offer: Offer) -> Voucher:
    """The customer's newest voucher of an offer, whoever asks: for tests, the demo and scripts, never a
    screen (a screen reads `voucher_get_for`)."""
    voucher = (
        Voucher.objects.filter(customer=customer, offer=offer)
        .select_related("offer", "customer", "partner")
        .order_by("-issue_date", "-id")
        .first()
    )
    if voucher is None:
        raise NotFound(f"{customer.name} holds no {offer.name} voucher")
    return voucher


def voucher_list(*, user: User, statuses: tuple[str, ...] | None = None) -> QuerySet[Voucher]:
    """The vouchers the user may see, soonest expiry first."""
    qs = access_scoped(
        Voucher.objects.select_related("offer__program", "customer", "partner").order_by("expiry_date", "id"),
        access_voucher_scope(user),
    )
    return qs.filter(status__in=statuses) if statuses else qs


def voucher_get_for(*, user: User, key: str) -> Voucher:
    """One voucher by its ID, if the user may see it; another tenant's voucher is simply not found."""
    return access_get(voucher_list(user=user), what="voucher", code=key)


def voucher_presented(*, user: User, code: str) -> Voucher:
    """The voucher a partner user is about to redeem, by the ID it typed: one it may already see, or a live FY24
    voucher bound to no partner yet, whose ID the customer presented to it (MWS-NOM-04). The ID is
    unguessable (100 bits), so knowing it is the presentation; a CSO voucher is only ever its mapped partner's."""
    code = parsing.parse_name(code, field="voucher code", max_length=32).upper()
    try:
        return voucher_get_for(user=user, key=code)
    except NotFound:
        if user.role != Role.PARTNER:
            raise
    found = (
        Voucher.objects.select_related("offer__program", "customer", "partner")
        .filter(code=code, partner__isnull=True, status__in=LIVE_VOUCHER_STATUSES)
        .first()
    )
    if found is None or not policy_for(found.offer.program).binds_partner_at_redemption:
        raise NotFound(f"no voucher {code}")
    return found


def nomination_list(*, user: User) -> QuerySet[Nomination]:
    """The nominations the user may see, newest first."""
    return access_scoped(
        Nomination.objects.select_related("customer", "offer__program", "partner"), access_nomination_scope(user)
    )


def nomination_get_for(*, user: User, key: int) -> Nomination:
    """One nomination, if the user may see it."""
    return access_get(nomination_list(user=user), what="nomination", pk=key)


def nomination_search(*, user: User, status: str = "", offer: str = "") -> QuerySet[Nomination]:
    """The nominations the user may see, of a status and an offer code (each optional; OD-IN-01)."""
    qs = nomination_list(user=user)
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=NominationStatus.values))
    if offer:
        qs = qs.filter(offer__code=parsing.parse_choice(offer, field="offer", choices=_offer_codes()))
    return qs


def voucher_search(*, user: User, text: str = "", status: str = "", offer: str = "") -> QuerySet[Voucher]:
    """The vouchers the user may see whose ID, TPID or customer name holds `text`, of a status and an offer code
    (each optional; OD-IN-01)."""
    qs = voucher_list(user=user)
    text = parsing.parse_name(text, field="search", max_length=200, required=False)
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(customer__tpid__icontains=text) | Q(customer__name__icontains=text))
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=VoucherStatus.values))
    if offer:
        qs = qs.filter(offer__code=parsing.parse_choice(offer, field="offer", choices=_offer_codes()))
    return qs


def _offer_codes() -> list[str]:
    return list(Offer.objects.values_list("code", flat=True))


def referral_list(*, user: User) -> QuerySet[Referral]:
    """The CSO referrals the user may see, newest first."""
    return access_scoped(
        Referral.objects.select_related("nomination__customer", "nomination__offer__program", "partner"),
        access_referral_scope(user),
    )


def referral_awaiting_list(*, user: User) -> QuerySet[Referral]:
    """The CSO referrals still waiting for an answer and not past their answer-by date (CSO-ENG-01),
    the soonest due first."""
    return (
        referral_list(user=user)
        .filter(status=ReferralStatus.PENDING, respond_by__gte=dates.today())
        .order_by("respond_by", "id")
    )


def referral_get_for(*, user: User, key: int) -> Referral:
    """One referral, if the user may see it."""
    return access_get(referral_list(user=user), what="referral", pk=key)


def deal_list(*, user: User) -> QuerySet[Deal]:
    """The recorded deals the user may see, newest first."""
    return access_scoped(Deal.objects.select_related("customer"), access_deal_scope(user))


def deal_get_for(*, user: User, key: int) -> Deal:
    """One deal, if the user may see it."""
    return access_get(deal_list(user=user), what="deal", pk=key)


def offers_quote(*, customer: Customer, on: dt.date | None = None) -> dict[str, Quote]:
    """For every offer of the catalogue: would the customer qualify, for how much, and why not."""
    return {
        offer.name: voucher_quote(customer=customer, offer=offer, on=on)
        for offer in Offer.objects.select_related("program").order_by("program__code", "code")
    }
