"""Plain functions that build OfferDesk data through the services, each at a stated moment.

Every factory runs its services under `offerdesk.core.dates.clock_at`, so what it builds carries the
dates the test asked for. The named cast: mira sells, omar operates the program, rita reviews, fiona
runs finance, aude audits; pat and paula work for the partner Fabrikam and nico for the partner Northwind;
fran is Fabrikam's FPM and felix Northwind's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.apps import apps

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.catalogue.selectors import offer_get
from offerdesk.core.dates import clock_at, local_moment
from offerdesk.customers import services as customers
from offerdesk.customers.models import CompanyGroup, Customer
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_prepare, document_sign
from offerdesk.partners.choices import FrpStatus
from offerdesk.partners.models import Partner
from offerdesk.partners.services import partner_assign_fpm, partner_create
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import SignatureInput, redemption_submit, redemption_template_id
from offerdesk.reviews.services import review_approve
from offerdesk.vouchers.models import Nomination, Referral, Voucher
from offerdesk.vouchers.services import deal_record, nomination_create, referral_accept, voucher_issue

SETUP_DAY = "2023-07-03"
DOMAIN_APPS = (
    "catalogue",
    "customers",
    "partners",
    "vouchers",
    "redemptions",
    "documents",
    "reviews",
    "payouts",
    "notifications",
    "jobs",
)
LOW_USAGE: dict[str, str | Decimal] = {
    "Exchange Online": "30%",
    "SharePoint Online": "20%",
    "Teams": "45%",
    "Microsoft 365 Apps": "65%",
}
PROGRAM_SIGNATURES = ("customer", "partner")


# ------------------------------------------------------------------------------------------- the clock


def moment(day: str | dt.date, time: str | None = None) -> dt.datetime:
    """The one way tests name a moment: a day at noon in the program time zone, or at `time`.
    A step's text such as "2024-01-08 09:00" carries both."""
    if isinstance(day, str) and " " in day.strip():
        day, _, time = day.strip().partition(" ")
    return local_moment(day, time or "12:00")


@contextmanager
def on(day: str | dt.date, time: str | None = None) -> Iterator[None]:
    """Run the domain as if it were that moment (`moment`): what the frozen domain clock is in tests."""
    with clock_at(moment(day, time)):
        yield


# ------------------------------------------------------------------------------- "nothing was written"


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table, the audit trail aside: what "nothing was written" compares."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in DOMAIN_APPS and model is not AuditEvent:
            state[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return state


def row_counts() -> dict[str, int]:
    """How many rows each domain table holds (the audit trail aside)."""
    return {label: len(rows) for label, rows in snapshot().items()}


def audit_events(action: str, outcome: str | None = None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(action=action)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("id"))


# ------------------------------------------------------------------------------------------ the cast


@dataclass
class Cast:
    """Everyone a test may need, by name. Each partner, and the person who signs in for it, is created (on the
    setup day) when first named: `make_cast` names them at once unless a suite brings partners of its own."""

    seller: User  # mira
    operator: User  # omar
    reviewer: User  # rita
    finance: User  # fiona
    auditor: User  # aude

    @cached_property
    def fabrikam(self) -> Partner:
        return partner(self.operator, "Fabrikam", country="US")

    @cached_property
    def northwind(self) -> Partner:
        return partner(self.operator, "Northwind", country="GB")

    @cached_property
    def pat(self) -> User:
        """Works for Fabrikam."""
        return partner_user(self.fabrikam, "pat")

    @cached_property
    def nico(self) -> User:
        """Works for Northwind."""
        return partner_user(self.northwind, "nico")

    @cached_property
    def paula(self) -> User:
        """Pat's colleague at Fabrikam."""
        return partner_user(self.fabrikam, "paula")

    @cached_property
    def fran(self) -> User:
        """The FPM who manages Fabrikam."""
        return fpm_user(self.operator, "fran", self.fabrikam)

    @cached_property
    def felix(self) -> User:
        """The FPM who manages Northwind."""
        return fpm_user(self.operator, "felix", self.northwind)


def staff_user(username: str, role: str) -> User:
    return User.objects.create_user(username=username, email=f"{username}@offerdesk.example", role=role)


def partner_user(partner: Partner, username: str) -> User:
    """A person who signs in for a partner."""
    return User.objects.create_user(
        username=username, email=f"{username}@partner.example", role=Role.PARTNER, partner=partner
    )


def fpm_user(operator: User, username: str, *partners: Partner) -> User:
    """A FastTrack program manager the operator links to the partners it manages, under the e-mail they copy."""
    email = partners[0].program_manager if partners else f"{username}@fasttrack.example"
    user = User.objects.create_user(username=username, email=email, role=Role.FPM)
    with on(SETUP_DAY):
        for managed in partners:
            partner_assign_fpm(actor=operator, partner=managed, fpm=user)
    return user


def customer_user(customer: Customer, username: str, email: str | None = None) -> User:
    """A person who signs in for a customer."""
    return User.objects.create_user(
        username=username, email=email or f"{username}@customer.example", role=Role.CUSTOMER, customer=customer
    )


def partner(
    operator: User,
    name: str,
    *,
    country: str = "",
    primary_contact: str | None = None,
    program_manager: str | None = None,
    payout_currency: str = "USD",
    company_group: CompanyGroup | None = None,
    frp_status: str = FrpStatus.APPROVED,
    when: str = SETUP_DAY,
) -> Partner:
    """A FastTrack Ready Partner with a primary contact and an FPM."""
    slug = name.lower().replace(" ", "-")
    with on(when):
        return partner_create(
            actor=operator,
            name=name,
            country=country,
            primary_contact=primary_contact if primary_contact is not None else f"ops@{slug}.example",
            program_manager=program_manager if program_manager is not None else f"fpm-{slug}@fasttrack.example",
            payout_currency=payout_currency,
            company_group=company_group,
            frp_status=frp_status,
        )


def make_cast(*, partners: bool = True) -> Cast:
    """The named cast. `partners=False` leaves the partners and their people out until a test names them,
    for the suites (acceptance features, races) that create every partner they name."""
    cast = Cast(
        seller=staff_user("mira", Role.SELLER),
        operator=staff_user("omar", Role.OPERATOR),
        reviewer=staff_user("rita", Role.REVIEWER),
        finance=staff_user("fiona", Role.FINANCE),
        auditor=staff_user("aude", Role.AUDITOR),
    )
    if partners:
        # Named now, in this order, so that a "nothing changed" snapshot taken later never sees one appear.
        _ = cast.fabrikam, cast.northwind, cast.pat, cast.nico, cast.paula, cast.fran, cast.felix
    return cast


# ------------------------------------------------------------------------------------------ customers


def customer(
    operator: User,
    *,
    tpid: str,
    name: str,
    sector: str = "Commercial",
    segment: str = "Enterprise",
    country: str = "US",
    contacts: Iterable[str] | None = None,
    account_team: Iterable[str] | None = None,
    company_group: CompanyGroup | None = None,
    when: str = SETUP_DAY,
) -> Customer:
    """A customer with one contact and one account-team member."""
    slug = name.lower().replace(" ", "-")
    with on(when):
        return customers.customer_create(
            actor=operator,
            tpid=tpid,
            name=name,
            sector=sector,
            segment=segment,
            country=country,
            contacts=list(contacts) if contacts is not None else [f"it@{slug}.example"],
            account_team=list(account_team) if account_team is not None else [f"ats-{slug}@microsoft.example"],
            company_group=company_group,
        )


def cso_customer(
    operator: User,
    *,
    tpid: str = "T-100",
    name: str = "Contoso",
    sector: str = "Commercial",
    sku: str = "Office 365 E3",
    paid: int = 2000,
    in_use: int = 500,
    usage: dict[str, str | Decimal] | None = None,
    when: str = SETUP_DAY,
) -> Customer:
    """A customer the Customer Success Offer fits: 2,000 paid seats (tier 1), low usage on three workloads."""
    found = customer(operator, tpid=tpid, name=name, sector=sector, when=when)
    with on(when):
        customers.customer_set_seats(actor=operator, customer=found, sku=sku, paid=paid, in_use=in_use)
        customers.customer_set_usage(actor=operator, customer=found, usage=usage or LOW_USAGE)
    return found


# ------------------------------------------------------------------------------------------- vouchers


def cso_nominate(cast: Cast, *, customer: Customer, partner: Partner, when: str = "2023-09-01") -> Nomination:
    """Microsoft nominates the customer for the CSO with a mapped partner (who gets a referral)."""
    with on(when):
        return nomination_create(
            actor=cast.seller,
            customer=customer,
            offer=offer_get(name_or_code="Customer Success Offer"),
            partner=partner,
        )


def cso_voucher(
    cast: Cast,
    *,
    customer: Customer,
    partner: Partner | None = None,
    partner_user: User | None = None,
    nominated: str = "2023-09-01",
    accepted: str | None = None,
) -> Voucher:
    """A CSO voucher: nominated with the partner (Fabrikam by default), accepted by its user."""
    partner = partner or cast.fabrikam
    user = partner_user or User.objects.filter(role=Role.PARTNER, partner=partner).order_by("id").first()
    nomination = cso_nominate(cast, customer=customer, partner=partner, when=nominated)
    with on(accepted or nominated):
        return referral_accept(actor=user, referral=Referral.objects.get(nomination=nomination))


def mws_nominate(cast: Cast, *, customer: Customer, offer: str = "M365 Deployment Offer", when: str) -> Nomination:
    with on(when):
        return nomination_create(actor=cast.seller, customer=customer, offer=offer_get(name_or_code=offer))


def deal(
    cast: Cast,
    *,
    customer: Customer,
    closed: str,
    value: str = "500000.00",
    workloads: Iterable[str] = ("Microsoft 365 E3",),
    migration: Iterable[str] = (),
    when: str | None = None,
) -> Any:
    """A qualifying purchase closed on `closed`, recorded that day (or `when`)."""
    with on(when or closed):
        return deal_record(
            actor=cast.seller,
            customer=customer,
            value=value,
            close_date=dt.date.fromisoformat(closed),
            workloads=list(workloads),
            migration=list(migration),
        )


def mws_voucher(
    cast: Cast,
    *,
    customer: Customer,
    offer: str = "M365 Deployment Offer",
    nominated: str = "2023-09-01",
    closed: str = "2023-10-01",
    value: str = "500000.00",
    workloads: Iterable[str] = ("Microsoft 365 E3",),
    migration: Iterable[str] = (),
    issued: str = "2023-10-05",
    face_value: str = "75000.00",
) -> Voucher:
    """A FY24 voucher: nominated, a qualifying deal, then issued at a face value."""
    mws_nominate(cast, customer=customer, offer=offer, when=nominated)
    deal(cast, customer=customer, closed=closed, value=value, workloads=workloads, migration=migration)
    with on(issued):
        return voucher_issue(
            actor=cast.operator, customer=customer, offer=offer_get(name_or_code=offer), face_value=face_value
        )


# ------------------------------------------------------------------------------------------- requests


def signatures(parties: Iterable[str] = PROGRAM_SIGNATURES) -> list[SignatureInput]:
    return [SignatureInput(party=p, name=f"{p.title()} signatory", role="Authorised signatory") for p in parties]


def submit(
    *,
    actor: User,
    voucher: Voucher,
    partner: Partner,
    kind: str,
    when: str,
    value: str | Decimal | None = None,
    users: int | str | None = None,
    workload_users: dict[str, Any] | None = None,
    template_id: str | None = None,
    signed: Iterable[str] = PROGRAM_SIGNATURES,
) -> RedemptionRequest:
    """A partner submits a SOW or POE on the program template, signed by both parties unless told."""
    with on(when):
        return redemption_submit(
            actor=actor,
            voucher=voucher,
            partner=partner,
            kind=kind,
            template_id=template_id or redemption_template_id(voucher=voucher, kind=kind),
            signatures=signatures(signed),
            value=value,
            users_deployed=users,
            workload_users=workload_users,
        )


def cso_poe(*, actor: User, voucher: Voucher, partner: Partner, when: str, users: int = 600) -> RedemptionRequest:
    """A CSO POE with `users` deployed on Exchange Online and Teams."""
    return submit(
        actor=actor,
        voucher=voucher,
        partner=partner,
        kind="POE",
        when=when,
        users=users,
        workload_users={"Exchange Online": users, "Teams": users},
    )


def approve(cast: Cast, request: RedemptionRequest, *, when: str) -> RedemptionRequest:
    with on(when):
        return review_approve(actor=cast.reviewer, request=request)


def approved_sow(
    cast: Cast,
    *,
    voucher: Voucher,
    partner: Partner | None = None,
    submitted: str,
    approved: str,
    value: str | None = None,
) -> RedemptionRequest:
    """A SOW submitted and approved on the given days."""
    partner = partner or voucher.partner or cast.fabrikam
    actor = User.objects.filter(role=Role.PARTNER, partner=partner).order_by("id").first() or cast.operator
    sow = submit(actor=actor, voucher=voucher, partner=partner, kind="SOW", when=submitted, value=value)
    return approve(cast, sow, when=approved)


# ------------------------------------------------------------------------------------------ documents

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/140"


def prepare_document(
    *, actor: User, voucher: Voucher, partner: Partner, kind: str = "SOW", when: str = "2023-10-02", **figures: Any
) -> Document:
    """A partner's user prepares the program template for a voucher, pre-filled with these figures."""
    with on(when):
        return document_prepare(actor=actor, voucher=voucher, partner=partner, kind=kind, **figures)


def sign_document(
    document: Document,
    *,
    actor: User,
    party: str,
    when: str | None = "2023-10-02",
    name: str | None = None,
    **extra: Any,
) -> Document:
    """One party's user signs what it was shown (the document's hash, unless told), at 14:00 unless told;
    `when=None`: on the clock as it stands (a journey's or a page test's own day)."""
    at = on(when, extra.pop("time", "14:00")) if when is not None else nullcontext()
    with at:
        return document_sign(
            actor=actor,
            document=document,
            party=party,
            name=name or f"{actor.username.title()} Signer",
            title=extra.pop("title", "Director"),
            ip=extra.pop("ip", "203.0.113.7"),
            user_agent=extra.pop("user_agent", BROWSER),
            shown_sha256=extra.pop("shown_sha256", document.sha256),
        )
