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
from offerdesk.catalogue.selectors import catalogue_skus, catalogue_workloads, params_for
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
    name = parsing.parse_name(name, field="company group name", max_length=200)
    group, created = CompanyGroup.objects.get_or_create(name=name)
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
    problems = parsing.Problems()
    key = problems.parse(parsing.parse_name, tpid, field="TPID", max_length=40, required=False)
    title = problems.parse(parsing.parse_name, name, field="name", max_length=200, required=False)
    kind_of = problems.parse(parsing.parse_name, sector, field="sector", max_length=20, required=False)
    size = problems.parse(parsing.parse_name, segment, field="segment", max_length=12, required=False)
    code = problems.parse(parsing.parse_country, country)
    emails = {
        kind: problems.parse(parsing.parse_list, raw, field=field, item=parsing.parse_email) or []
        for kind, field, raw in (
            (ContactKind.CONTACT, "contacts", contacts),
            (ContactKind.ACCOUNT_TEAM, "account team", account_team),
        )
    }
    if key == "":
        problems.add("a TPID is required")
    if kind_of is not None and kind_of not in Sector.values:
        problems.add(f"unknown sector {kind_of!r} (one of {', '.join(Sector.values)})")
    if size is not None and size not in Segment.values:
        problems.add(f"unknown segment {size!r} (one of {', '.join(Segment.values)})")
    if key and Customer.objects.filter(tpid=key).exists():
        problems.add(f"TPID {key} is already a customer")
    problems.raise_if_any()
    assert key and title is not None and kind_of and size and code
    customer = Customer.objects.create(
        tpid=key, name=title or key, sector=kind_of, segment=size, country=code, company_group=company_group
    )
    for kind, addresses in emails.items():
        for email in addresses:
            CustomerContact.objects.create(customer=customer, kind=kind, email=email)
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
    """Put the customer in a company group, or take it out of one (MWS-LIM-06)."""
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
    funded = parsing.parse_bool(funded, field="funded")
    customer.ecif_funded = funded
    customer.save(update_fields=["ecif_funded", "updated_at"])
    audit_record(actor=actor, action="customer.set_ecif", target=customer, data={"funded": funded})
    return customer


@audited_refusals("customer.set_seats")
@transaction.atomic
def customer_set_seats(*, actor: User | None, customer: Customer, sku: str, paid: int, in_use: int) -> SeatLicence:
    """Record the paid licences of one SKU and how many are in use."""
    _require_keeper(actor, "maintain licences")
    sku = parsing.parse_choice(sku, field="SKU", choices=catalogue_skus())
    paid = parsing.parse_whole(paid, field="paid seats")
    in_use = parsing.parse_whole(in_use, field="seats in use")
    if in_use > paid:
        raise InvalidInput(f"{in_use} seats in use is more than the {paid} paid")
    seats, _ = SeatLicence.objects.update_or_create(
        customer=customer, sku=sku, defaults={"paid": paid, "in_use": in_use}
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
    sku = parsing.parse_choice(sku, field="SKU", choices=catalogue_skus())
    quantity = parsing.parse_whole(quantity, field="licence count")
    day = (
        parsing.parse_optional_date(as_of, field="as_of")
        or params_for(program_code="MWS", on=dates.today())["mws.e3_baseline_date"]
    )
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
