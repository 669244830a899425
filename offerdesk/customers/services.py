"""Keeping customers, their licences, usage and contacts, and company groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.selectors import catalogue_workloads, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput

from .choices import ContactKind, Sector, Segment
from .models import CompanyGroup, Customer, CustomerContact, PriorLicence, SeatLicence, WorkloadUsage

KEEPERS = frozenset({Role.OPERATOR})


def _require_keeper(actor: User | None, action: str) -> None:
    access_require_role(actor, KEEPERS, action=action)


@audited_refusals("company_group.get_or_create")
@transaction.atomic
def company_group_get_or_create(*, actor: User | None, name: str) -> CompanyGroup:
    """The company group of that name, created if new."""
    _require_keeper(actor, "maintain company groups")
    if not name.strip():
        raise InvalidInput("a company group needs a name")
    group, created = CompanyGroup.objects.get_or_create(name=name.strip())
    if created:
        audit_record(actor=actor, action="company_group.create", target=group, data={"name": group.name})
    return group


@audited_refusals("customer.create")
@transaction.atomic
def customer_create(
    *,
    actor: User | None,
    tpid: str,
    name: str,
    sector: str,
    segment: str,
    country: str,
    contacts: Iterable[str] = (),
    account_team: Iterable[str] = (),
    company_group: CompanyGroup | None = None,
) -> Customer:
    """Add a customer by its TPID."""
    _require_keeper(actor, "maintain customers")
    problems = []
    if not tpid.strip():
        problems.append("a TPID is required")
    if sector not in Sector.values:
        problems.append(f"unknown sector {sector!r} (one of {', '.join(Sector.values)})")
    if segment not in Segment.values:
        problems.append(f"unknown segment {segment!r} (one of {', '.join(Segment.values)})")
    code = country.strip().upper()
    if len(code) != 2 or not code.isalpha():
        problems.append(f"a country is an ISO 3166-1 alpha-2 code, not {country!r}")
    if Customer.objects.filter(tpid=tpid.strip()).exists():
        problems.append(f"TPID {tpid} is already a customer")
    if problems:
        raise InvalidInput("; ".join(problems))
    customer = Customer.objects.create(
        tpid=tpid.strip(),
        name=name.strip() or tpid.strip(),
        sector=sector,
        segment=segment,
        country=code,
        company_group=company_group,
    )
    for kind, emails in ((ContactKind.CONTACT, contacts), (ContactKind.ACCOUNT_TEAM, account_team)):
        for email in emails:
            CustomerContact.objects.create(customer=customer, kind=kind, email=email.strip())
    audit_record(
        actor=actor,
        action="customer.create",
        target=customer,
        data={"tpid": customer.tpid, "sector": sector, "segment": segment, "country": code},
    )
    return customer


@audited_refusals("customer.set_company_group")
@transaction.atomic
def customer_set_company_group(*, actor: User | None, customer: Customer, group: CompanyGroup | None) -> Customer:
    _require_keeper(actor, "maintain customers")
    customer.company_group = group
    customer.save(update_fields=["company_group", "updated_at"])
    audit_record(
        actor=actor,
        action="customer.set_company_group",
        target=customer,
        data={"group": group.name if group else None},
    )
    return customer


@audited_refusals("customer.set_ecif")
@transaction.atomic
def customer_set_ecif(*, actor: User | None, customer: Customer, funded: bool) -> Customer:
    """Flag that the customer's deployment is funded by ECIF (CSO-ELIG-07, MWS-ELIG-06)."""
    _require_keeper(actor, "maintain customers")
    customer.ecif_funded = funded
    customer.save(update_fields=["ecif_funded", "updated_at"])
    audit_record(actor=actor, action="customer.set_ecif", target=customer, data={"funded": funded})
    return customer


@audited_refusals("customer.set_seats")
@transaction.atomic
def customer_set_seats(*, actor: User | None, customer: Customer, sku: str, paid: int, in_use: int) -> SeatLicence:
    """Record the paid licences of one SKU and how many are in use."""
    _require_keeper(actor, "maintain licences")
    if not sku.strip():
        raise InvalidInput("name the SKU")
    if paid < 0 or in_use < 0:
        raise InvalidInput("seat counts cannot be negative")
    if in_use > paid:
        raise InvalidInput(f"{in_use} seats in use is more than the {paid} paid")
    seats, _ = SeatLicence.objects.update_or_create(
        customer=customer, sku=sku.strip(), defaults={"paid": paid, "in_use": in_use}
    )
    audit_record(
        actor=actor,
        action="customer.set_seats",
        target=customer,
        data={"sku": sku, "paid": paid, "in_use": in_use},
    )
    return seats


@audited_refusals("customer.set_usage")
@transaction.atomic
def customer_set_usage(
    *, actor: User | None, customer: Customer, usage: Mapping[str, str | Decimal]
) -> list[WorkloadUsage]:
    """Record monthly active usage by workload, each share kept exactly as given (CSO-ELIG-04)."""
    _require_keeper(actor, "maintain usage")
    places = WorkloadUsage._meta.get_field("mau").decimal_places
    known = catalogue_workloads()
    shares: dict[str, Decimal] = {}
    for raw_workload, value in parsing.parse_mapping(usage, field="usage").items():
        workload = parsing.parse_choice(raw_workload, field="usage workload", choices=known)
        shares[workload] = parsing.parse_share(value, field=f"usage of {workload}", places=places)
    rows = [
        WorkloadUsage.objects.update_or_create(customer=customer, workload=w, defaults={"mau": share})[0]
        for w, share in shares.items()
    ]
    audit_record(actor=actor, action="customer.set_usage", target=customer, data={w: str(v) for w, v in shares.items()})
    return rows


@audited_refusals("customer.set_prior_licences")
@transaction.atomic
def customer_set_prior_licences(
    *, actor: User | None, customer: Customer, sku: str, quantity: int, as_of: dt.date | None = None
) -> PriorLicence:
    """Record licences owned on a date; by default on the FY24 baseline date (MWS-ELIG-04, AMB-24)."""
    _require_keeper(actor, "maintain licences")
    if quantity < 0:
        raise InvalidInput("a licence count cannot be negative")
    day = as_of or params_for(program_code="MWS", on=dates.today())["mws.e3_baseline_date"]
    row, _ = PriorLicence.objects.update_or_create(
        customer=customer, sku=sku, as_of=day, defaults={"quantity": quantity}
    )
    audit_record(
        actor=actor,
        action="customer.set_prior_licences",
        target=customer,
        data={"sku": sku, "quantity": quantity, "as_of": day},
    )
    return row
