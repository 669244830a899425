"""Keeping FastTrack Ready Partners."""

from __future__ import annotations

from django.db import transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core.errors import InvalidInput
from offerdesk.customers.models import CompanyGroup

from .choices import FrpStatus
from .models import Partner


@audited_refusals("partner.create")
@transaction.atomic
def partner_create(
    *,
    actor: User | None,
    name: str,
    company_group: CompanyGroup | None = None,
    primary_contact: str = "",
    program_manager: str = "",
    payout_currency: str = "USD",
    payment_profile: str = "",
    frp_status: str = FrpStatus.APPROVED,
) -> Partner:
    """Add a FastTrack Ready Partner."""
    access_require_role(actor, {Role.OPERATOR}, action="maintain partners")
    currency = (payout_currency or "USD").strip().upper()
    problems = []
    if not name.strip():
        problems.append("a partner needs a name")
    elif Partner.objects.filter(name=name.strip()).exists():
        problems.append(f"a partner named {name!r} exists already")
    if len(currency) != 3 or not currency.isalpha():
        problems.append(f"a payout currency is an ISO 4217 code, not {payout_currency!r}")
    if frp_status not in FrpStatus.values:
        problems.append(f"unknown FRP status {frp_status!r}")
    if problems:
        raise InvalidInput("; ".join(problems))
    partner = Partner.objects.create(
        name=name.strip(),
        company_group=company_group,
        primary_contact=primary_contact,
        program_manager=program_manager,
        payout_currency=currency,
        payment_profile=payment_profile,
        frp_status=frp_status,
    )
    audit_record(
        actor=actor,
        action="partner.create",
        target=partner,
        data={
            "name": partner.name,
            "currency": currency,
            "group": company_group.name if company_group else None,
        },
    )
    return partner


@audited_refusals("partner.assign_fpm")
@transaction.atomic
def partner_assign_fpm(*, actor: User | None, partner: Partner, fpm: User) -> Partner:
    """Link a FastTrack program manager to a partner it manages: the FPM's read scope follows this link."""
    access_require_role(actor, {Role.OPERATOR}, action="assign a partner's FPM")
    if fpm.role != Role.FPM:
        raise InvalidInput(f"{fpm.username} is a {fpm.get_role_display().lower()}, not a FastTrack program manager")
    fpm.managed_partners.add(partner)
    audit_record(actor=actor, action="partner.assign_fpm", target=partner, data={"fpm": fpm.username})
    return partner
