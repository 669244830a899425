"""Keeping FastTrack Ready Partners."""

from __future__ import annotations

from django.db import transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import parsing
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
    country: str = "",
    primary_contact: str = "",
    program_manager: str = "",
    payout_currency: str = "USD",
    payment_profile: str = "",
    frp_status: str = FrpStatus.APPROVED,
) -> Partner:
    """Add a FastTrack Ready Partner."""
    access_require_role(actor, {Role.OPERATOR}, action="maintain partners")
    problems = parsing.Problems()
    title = problems.parse(parsing.parse_name, name, field="name", max_length=200, required=False)
    home = problems.parse(parsing.parse_optional_country, country, field="country")
    contact = problems.parse(parsing.parse_optional_email, primary_contact, field="primary contact")
    fpm = problems.parse(parsing.parse_optional_email, program_manager, field="program manager")
    currency = problems.parse(parsing.parse_currency, payout_currency or "USD", field="payout currency")
    profile = problems.parse(
        parsing.parse_name, payment_profile, field="payment profile", max_length=80, required=False
    )
    status = problems.parse(parsing.parse_name, frp_status, field="FRP status", max_length=12)
    if title == "":
        problems.add("a partner needs a name")
    elif title and Partner.objects.filter(name=title).exists():
        problems.add(f"a partner named {title!r} exists already")
    if status is not None and status not in FrpStatus.values:
        problems.add(f"unknown FRP status {status!r}")
    problems.raise_if_any()
    assert title and currency and status
    assert home is not None and contact is not None and fpm is not None and profile is not None
    partner = Partner.objects.create(
        name=title,
        company_group=company_group,
        country=home,
        primary_contact=contact,
        program_manager=fpm,
        payout_currency=currency,
        payment_profile=profile,
        frp_status=status,
    )
    audit_record(
        actor=actor,
        action="partner.create",
        target=partner,
        data={
            "name": partner.name,
            "currency": currency,
            "country": home,
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
