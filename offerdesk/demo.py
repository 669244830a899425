"""The demo data set: a year of both programs replayed through the services, and a login for every role."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from offerdesk.accounts.models import Role, User
from offerdesk.catalogue.selectors import offer_get
from offerdesk.core import dates
from offerdesk.core.errors import DomainError
from offerdesk.customers import services as customer_services
from offerdesk.customers.models import CompanyGroup, Customer
from offerdesk.jobs.services import daily_run
from offerdesk.partners.models import FrpStatus, Partner
from offerdesk.partners.services import partner_assign_fpm, partner_create
from offerdesk.payouts.models import Payment
from offerdesk.payouts.services import exchange_rate_set
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import (
    SignatureInput,
    redemption_submit,
    redemption_template_id,
)
from offerdesk.reviews.services import (
    review_approve,
    review_provide_info,
    review_reject,
    review_request_info,
    review_verify_seats,
)
from offerdesk.vouchers.models import Referral, ReferralStatus, Voucher, VoucherStatus
from offerdesk.vouchers.selectors import voucher_latest_unscoped
from offerdesk.vouchers.services import (
    deal_record,
    nomination_create,
    referral_accept,
    referral_decline,
    voucher_cancel,
    voucher_issue,
)

PASSWORD = "demo"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
MARKER_TPID = "DEMO-1001"  # present exactly when the demo set is loaded
STAFF_DOMAIN = "offerdesk.example"
FPM_EMAIL = f"fpm@{STAFF_DOMAIN}"
FIRST_DAILY_RUN = dt.date(2023, 8, 7)  # a Monday: the daily run is replayed every Monday from here
DEMO_END = dt.date(2024, 6, 28)  # the last day replayed: open vouchers, pending reviews and referrals remain

CSO, DEP, MD, COP = "CSO", "DEP", "MD", "COP"
SOW, POE = "SOW", "POE"

Action = Callable[..., object]


class DemoStepRefused(Exception):
    """A service refused a demo step: the demo data only ever does valid things, so this is a bug."""


@dataclass(frozen=True)
class DemoLogin:
    """A demo sign-in: username, role and the tenant it is scoped to."""

    username: str
    role: str
    scope: str = ""
    password: str = PASSWORD


@dataclass(frozen=True)
class PartnerSpec:
    """A FastTrack Ready Partner of the demo, with the login that acts for it."""

    name: str
    username: str
    contact: str
    currency: str = "USD"
    group: str | None = None
    profile: str = ""
    status: str = FrpStatus.APPROVED


@dataclass(frozen=True)
class CustomerSpec:
    """A demo customer with its licences, usage and contacts."""

    tpid: str
    name: str
    sector: str
    segment: str
    country: str
    domain: str
    signer: str
    group: str | None = None
    seats: dict[str, tuple[int, int]] = field(default_factory=dict)
    usage: dict[str, str] = field(default_factory=dict)
    prior_e3: int | None = None
    ecif: bool = False


STAFF = [
    DemoLogin("seller", Role.SELLER),
    DemoLogin("operator", Role.OPERATOR),
    DemoLogin("reviewer", Role.REVIEWER),
    DemoLogin("finance", Role.FINANCE),
    DemoLogin("fpm", Role.FPM, "the partners it manages: all of them"),
    DemoLogin("auditor", Role.AUDITOR),
]

PARTNERS = [
    PartnerSpec("Fabrikam", "partner", "deals@fabrikam.example", profile="PC-100234"),
    PartnerSpec("Northwind Consulting", "partner-northwind", "frp@northwind.example", profile="PC-100871"),
    PartnerSpec("Contoso Services", "partner-contoso", "frp@contoso.example", group="Contoso", profile="PC-101002"),
    PartnerSpec("Contoso CA", "partner-contoso-ca", "frp@contoso-ca.example", group="Contoso", profile="PC-101003"),
    PartnerSpec(
        "Tailspin Consulting India", "partner-tailspin", "frp@tailspin.example", currency="INR", profile="PC-204410"
    ),
    PartnerSpec(
        "Lucerne Deployments", "partner-lucerne", "frp@lucerne.example", profile="PC-100555", status=FrpStatus.SUSPENDED
    ),
]
CUSTOMER_LOGIN = "Contoso US"  # the customer user's tenant

LOW_USAGE = {"Exchange Online": "35%", "SharePoint Online": "25%", "Teams": "55%", "Microsoft 365 Apps": "75%"}

CUSTOMERS = [
    # The FY24 customers.
    CustomerSpec(
        "DEMO-1001",
        "Contoso US",
        "Commercial",
        "Enterprise",
        "US",
        "contoso-us.example",
        "Megan Bowen",
        group="Contoso",
        seats={"Microsoft 365 E3": (4200, 3900)},
        prior_e3=600,
    ),
    CustomerSpec(
        "DEMO-1002",
        "Adatum Corporation",
        "Commercial",
        "SMC-C",
        "US",
        "adatum.example",
        "Alex Wilber",
        seats={"Microsoft 365 E3": (280, 250)},
        prior_e3=150,
    ),
    CustomerSpec(
        "DEMO-1003",
        "Proseware County",
        "Public Sector",
        "Enterprise",
        "US",
        "proseware.example",
        "Diego Siciliani",
        seats={"Office 365 E3": (3000, 2600)},
        prior_e3=300,
    ),
    CustomerSpec(
        "DEMO-1004",
        "Graphic Design Institute",
        "Education",
        "Enterprise",
        "GB",
        "gdi.example",
        "Isaiah Langer",
        seats={"Office 365 E1": (5000, 4100)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1005",
        "School of Fine Art",
        "Education",
        "SMC-C",
        "US",
        "fineart.example",
        "Lee Gu",
        seats={"Office 365 E1": (900, 640)},
        prior_e3=40,
    ),
    CustomerSpec(
        "DEMO-1006",
        "Tailwind Traders Philippines",
        "Commercial",
        "SMC-C",
        "PH",
        "tailwind-ph.example",
        "Maria Santos",
        seats={"Office 365 E1": (450, 300)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1007",
        "Margie's Travel India",
        "Commercial",
        "SMC-C",
        "IN",
        "margies-in.example",
        "Priya Raman",
        seats={"Office 365 E1": (600, 420)},
        prior_e3=20,
    ),
    CustomerSpec(
        "DEMO-1008",
        "Southridge Video Brasil",
        "Government",
        "SMC-C",
        "BR",
        "southridge-br.example",
        "Ana Ribeiro",
        seats={"Office 365 E3": (700, 510)},
        prior_e3=90,
    ),
    CustomerSpec(
        "DEMO-1009",
        "Wingtip Toys",
        "Commercial",
        "Enterprise",
        "DE",
        "wingtip.example",
        "Lukas Weber",
        seats={"Microsoft 365 E5": (2500, 2300)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1010",
        "VanArsdel Ltd",
        "Commercial",
        "Enterprise",
        "FR",
        "vanarsdel.example",
        "Camille Martin",
        seats={"Office 365 E3": (1800, 1500)},
        prior_e3=450,
    ),
    CustomerSpec(
        "DEMO-1011",
        "Munson's Pickles and Preserves",
        "Commercial",
        "SMC-C",
        "US",
        "munsons.example",
        "Nestor Wilke",
        seats={"Microsoft 365 Business Premium": (240, 230)},
        prior_e3=0,
    ),
    # The Customer Success Offer's customers: in-scope seats, and usage below 60% on two or more workloads.
    CustomerSpec(
        "DEMO-2001",
        "Woodgrove Bank",
        "Commercial",
        "Enterprise",
        "GB",
        "woodgrove.example",
        "Patti Fernandez",
        seats={"Office 365 E3": (3000, 500)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2002",
        "Fourth Coffee India",
        "Commercial",
        "SMC-C",
        "IN",
        "fourthcoffee-in.example",
        "Arjun Mehta",
        seats={"Office 365 E3": (1500, 300)},
        usage={"Exchange Online": "40%", "SharePoint Online": "30%", "Teams": "62%", "Microsoft 365 Apps": "50%"},
    ),
    CustomerSpec(
        "DEMO-2003",
        "Litware Health",
        "Public Sector",
        "Enterprise",
        "US",
        "litware.example",
        "Grady Archie",
        seats={"Office 365 E5": (7000, 1000)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2004",
        "Trey Research",
        "Government",
        "Enterprise",
        "CA",
        "treyresearch.example",
        "Lidia Holloway",
        seats={"Office 365 E3": (5200, 2000)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2005",
        "Blue Yonder Airlines",
        "CSP",
        "Enterprise",
        "US",
        "blueyonder.example",
        "Johanna Lorenz",
        seats={"Office 365 E5": (1200, 300)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2006",
        "Alpine Ski House",
        "US Federal",
        "Enterprise",
        "US",
        "alpineskihouse.example",
        "Irvin Sayers",
        seats={"Office 365 E3": (900, 100)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2007",
        "Coho Winery",
        "Commercial",
        "SMC-C",
        "BR",
        "cohowinery.example",
        "Rafael Costa",
        seats={"Microsoft 365 E3": (800, 150)},
        usage={"Exchange Online": "52%", "SharePoint Online": "18%", "Teams": "44%", "Microsoft 365 Apps": "81%"},
    ),
    CustomerSpec(
        "DEMO-2008",
        "Lamna Healthcare",
        "Public Sector",
        "Enterprise",
        "AU",
        "lamna.example",
        "Olivia Brown",
        seats={"Office 365 E3": (2500, 400)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2009",
        "Relecloud",
        "Commercial",
        "SMC-C",
        "MX",
        "relecloud.example",
        "Sofia Herrera",
        seats={"Office 365 E1": (650, 120)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2010",
        "Wide World Importers",
        "Commercial",
        "Enterprise",
        "PH",
        "wideworld.example",
        "Jose Reyes",
        seats={"Microsoft 365 E3": (5400, 1200)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2011",
        "Humongous Insurance",
        "Commercial",
        "Enterprise",
        "JP",
        "humongous.example",
        "Haruto Sato",
        seats={"Office 365 E3": (2000, 900)},
        usage=LOW_USAGE,
    ),
    # Customers no program takes: they show the refusals on the eligibility pages.
    CustomerSpec(
        "DEMO-3001",
        "Good Works Foundation",
        "Non-profit",
        "SMC-C",
        "KE",
        "goodworks.example",
        "Amani Otieno",
        seats={"Office 365 E1": (700, 200)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-3002",
        "Consolidated Messenger",
        "GPP",
        "Enterprise",
        "US",
        "consolidated.example",
        "Pradeep Gupta",
        seats={"Office 365 E3": (1100, 700)},
        usage=LOW_USAGE,
        ecif=True,
    ),
]

EXCHANGE_RATES = [  # (set on, currency, INR per USD, effective from)
    ("2023-07-03", "INR", "82.2500", "2023-07-01"),
    ("2024-01-02", "INR", "83.1234", "2024-01-01"),
    ("2024-04-01", "INR", "83.4000", "2024-04-01"),
]


def noon(day: dt.date) -> dt.datetime:
    """Noon of a day in the program time zone: when every demo action happens."""
    return dates.local_moment(day)


def demo_step(*, day: dt.date, label: str, action: Callable[[], object]) -> object:
    """Run one action with the domain clock at noon on `day`; a refusal stops the load with its reason."""
    with dates.clock_at(noon(day)):
        try:
            return action()
        except DomainError as exc:
            rules = f" [{', '.join(exc.rules)}]" if exc.rules else ""
            raise DemoStepRefused(f"demo step on {day} ({label}) was refused: {exc.message}{rules}") from exc


def demo_exists() -> bool:
    """Whether the demo set has been loaded already."""
    return Customer.objects.filter(tpid=MARKER_TPID).exists()


def demo_load() -> bool:
    """Load the demo set in one transaction unless it is there; True when it was loaded now."""
    with transaction.atomic():
        if demo_exists():
            return False
        _Story().replay()
    return True


def demo_logins() -> list[DemoLogin]:
    """Every demo sign-in, staff first, then the partner and customer users and the superuser."""
    partners = [DemoLogin(p.username, Role.PARTNER, p.name) for p in PARTNERS]
    return [
        *STAFF,
        *partners,
        DemoLogin("customer", Role.CUSTOMER, CUSTOMER_LOGIN),
        DemoLogin("admin", "superuser", "Django admin"),
    ]


def demo_counts() -> dict[str, int]:
    """How many vouchers of each status, and payments, the database holds."""
    counts = {status: Voucher.objects.filter(status=status).count() for status in VoucherStatus.values}
    counts["payments"] = Payment.objects.count()
    return counts


@cache
def _password_hash() -> str:
    """The demo password, hashed once: hashing it for each of the dozen users is most of the load's time."""
    return make_password(PASSWORD)


def _user(*, username: str, role: str, email: str = "", **extra: Any) -> User:
    """The demo user of that name, created with the demo password if new."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = User(username=username, email=email or f"{username}@{STAFF_DOMAIN}", role=role, **extra)
    user.password = _password_hash()
    user.save()
    return user


def _document_hash(*, voucher: Voucher, kind: str, template_id: str) -> str:
    """A stable stand-in for the hash of the signed document."""
    return hashlib.sha256(f"{template_id}:{voucher.code}:{kind}".encode()).hexdigest()


@dataclass(order=True)
class _Step:
    """One scheduled action; steps sort by day, the daily run first, then in the order they were written."""

    day: dt.date
    order: int  # the daily run comes before the day's actions, as it would overnight
    seq: int
    label: str = field(compare=False)
    action: Action = field(compare=False)
    kwargs: dict[str, Any] = field(compare=False)


class _Story:
    """The demo's history: setup, then each customer's story, replayed day by day in date order."""

    def __init__(self) -> None:
        self.staff: dict[str, User] = {}
        self.partners: dict[str, Partner] = {}
        self.partner_users: dict[str, User] = {}
        self.customers: dict[str, Customer] = {}
        self.signers: dict[str, str] = {c.name: c.signer for c in CUSTOMERS}
        self.requests: dict[tuple[str, str, str], RedemptionRequest] = {}
        self.steps: list[_Step] = []

    # ------------------------------------------------------------------------------------------ replay

    def at(self, day: str | dt.date, action: Action, /, **kwargs: Any) -> None:
        """Schedule an action for a day."""
        when = dt.date.fromisoformat(day) if isinstance(day, str) else day
        label = f"{action.__name__.lstrip('_')} " + ", ".join(f"{k}={v}" for k, v in kwargs.items())
        self.steps.append(
            _Step(when, 0 if action == self.daily_run else 1, len(self.steps), label.strip(), action, kwargs)
        )

    def replay(self) -> None:
        """Create the staff, schedule every story and the Monday daily runs, and play them in date order."""
        for login in STAFF:
            self.staff[login.role] = _user(username=login.username, role=login.role)
        _user(username="admin", role=Role.OPERATOR, is_staff=True, is_superuser=True)
        self.setup()
        for story in (
            self.contoso_us,
            self.adatum,
            self.proseware,
            self.graphic_design,
            self.school_of_fine_art,
            self.tailwind_ph,
            self.margies_travel,
            self.southridge,
            self.wingtip,
            self.vanarsdel,
            self.munsons,
            self.woodgrove,
            self.fourth_coffee,
            self.litware,
            self.trey,
            self.blue_yonder,
            self.alpine,
            self.coho,
            self.lamna,
            self.relecloud,
            self.wide_world,
            self.humongous,
        ):
            story()
        day = FIRST_DAILY_RUN
        while day < DEMO_END:
            self.at(day, self.daily_run, day=day)
            day += dt.timedelta(days=7)
        self.at(DEMO_END, self.daily_run, day=DEMO_END)
        for step in sorted(self.steps):
            demo_step(day=step.day, label=step.label, action=partial(step.action, **step.kwargs))

    # ------------------------------------------------------------------------------------------ actions

    def group(self, *, name: str | None) -> CompanyGroup | None:
        """The company group of that name, created by the operator if new."""
        if name is None:
            return None
        return customer_services.company_group_get_or_create(actor=self.staff[Role.OPERATOR], name=name)

    def setup_partners(self) -> None:
        """The operator adds the partners; each gets a partner login."""
        operator = self.staff[Role.OPERATOR]
        for spec in PARTNERS:
            group = self.group(name=spec.group)
            partner = partner_create(
                actor=operator,
                name=spec.name,
                company_group=group,
                primary_contact=spec.contact,
                program_manager=FPM_EMAIL,
                payout_currency=spec.currency,
                payment_profile=spec.profile,
                frp_status=spec.status,
            )
            self.partners[spec.name] = partner
            partner_assign_fpm(actor=operator, partner=partner, fpm=self.staff[Role.FPM])
            self.partner_users[spec.name] = _user(
                username=spec.username, role=Role.PARTNER, email=spec.contact, partner=partner
            )

    def setup_customers(self) -> None:
        """The operator adds the customers with their seats, usage, prior licences and contacts."""
        operator = self.staff[Role.OPERATOR]
        for spec in CUSTOMERS:
            group = self.group(name=spec.group)
            customer = customer_services.customer_create(
                actor=operator,
                tpid=spec.tpid,
                name=spec.name,
                sector=spec.sector,
                segment=spec.segment,
                country=spec.country,
                company_group=group,
                contacts=[f"it-admin@{spec.domain}"],
                account_team=[f"ate-{spec.domain.split('.')[0]}@microsoft.example"],
            )
            for sku, (paid, in_use) in spec.seats.items():
                customer_services.customer_set_seats(
                    actor=operator, customer=customer, sku=sku, paid=paid, in_use=in_use
                )
            if spec.usage:
                customer_services.customer_set_usage(actor=operator, customer=customer, usage=dict(spec.usage))
            if spec.prior_e3 is not None:
                customer_services.customer_set_prior_licences(
                    actor=operator, customer=customer, sku="Microsoft 365 E3", quantity=spec.prior_e3
                )
            if spec.ecif:
                customer_services.customer_set_ecif(actor=operator, customer=customer, funded=True)
            self.customers[spec.name] = customer
        login = next(c for c in CUSTOMERS if c.name == CUSTOMER_LOGIN)
        _user(
            username="customer",
            role=Role.CUSTOMER,
            email=f"it-admin@{login.domain}",
            customer=self.customers[CUSTOMER_LOGIN],
        )

    def exchange_rate(self, *, currency: str, rate: str, effective_from: str) -> None:
        """Finance records a rate."""
        exchange_rate_set(
            actor=self.staff[Role.FINANCE],
            currency=currency,
            rate=rate,
            effective_from=dt.date.fromisoformat(effective_from),
        )

    def nominate(self, *, customer: str, offer: str, partner: str | None = None) -> None:
        """The field seller nominates a customer (CSO: mapped to one partner)."""
        nomination_create(
            actor=self.staff[Role.SELLER],
            customer=self.customers[customer],
            offer=offer_get(name_or_code=offer),
            partner=self.partners[partner] if partner else None,
        )

    def _referral(self, customer: str) -> Referral:
        referral = (
            Referral.objects.filter(nomination__customer=self.customers[customer], status=ReferralStatus.PENDING)
            .select_related("partner")
            .order_by("-notified_on", "-id")
            .first()
        )
        assert referral is not None, f"{customer} has no pending referral"
        return referral

    def accept(self, *, customer: str) -> None:
        """The mapped partner accepts the CSO referral; the voucher is issued."""
        referral = self._referral(customer)
        referral_accept(actor=self.partner_users[referral.partner.name], referral=referral)

    def decline(self, *, customer: str, reason: str) -> None:
        """The mapped partner declines the CSO referral."""
        referral = self._referral(customer)
        referral_decline(actor=self.partner_users[referral.partner.name], referral=referral, reason=reason)

    def deal(self, *, customer: str, value: str, workloads: list[str], migration: tuple[str, ...] = ()) -> None:
        """The seller records a qualifying purchase that closes today."""
        deal_record(
            actor=self.staff[Role.SELLER],
            customer=self.customers[customer],
            value=value,
            close_date=dates.today(),
            workloads=workloads,
            migration=migration,
        )

    def issue(self, *, customer: str, offer: str, face_value: str) -> None:
        """The operator issues a FY24 voucher against the customer's latest deal."""
        voucher_issue(
            actor=self.staff[Role.OPERATOR],
            customer=self.customers[customer],
            offer=offer_get(name_or_code=offer),
            face_value=face_value,
        )

    def _voucher(self, customer: str, offer: str) -> Voucher:
        return voucher_latest_unscoped(customer=self.customers[customer], offer=offer_get(name_or_code=offer))

    def submit(
        self,
        *,
        customer: str,
        offer: str,
        kind: str,
        partner: str,
        value: str | None = None,
        users: int | None = None,
        workloads: Mapping[str, int] | None = None,
    ) -> None:
        """The partner submits a SOW or POE on the program template, signed by the customer and itself."""
        voucher = self._voucher(customer, offer)
        template = redemption_template_id(voucher=voucher, kind=kind)
        workload_users: dict[str, int | str] | None = dict(workloads) if workloads else None
        self.requests[(customer, offer, kind)] = redemption_submit(
            actor=self.partner_users[partner],
            voucher=voucher,
            partner=self.partners[partner],
            kind=kind,
            template_id=template,
            value=value,
            users_deployed=users,
            workload_users=workload_users,
            signatures=[
                SignatureInput(party="customer", name=self.signers[customer], role="Customer signatory"),
                SignatureInput(party="partner", name=f"{partner} delivery lead", role="Partner signatory"),
            ],
            document_hash=_document_hash(voucher=voucher, kind=kind, template_id=template),
        )

    def verify(self, *, customer: str, offer: str, users: int) -> None:
        """The reviewer records the deployed users Microsoft verified on the POE."""
        review_verify_seats(actor=self.staff[Role.REVIEWER], request=self.requests[(customer, offer, POE)], users=users)

    def approve(self, *, customer: str, offer: str, kind: str) -> None:
        """The reviewer approves the request (a paying approval schedules its payment)."""
        review_approve(actor=self.staff[Role.REVIEWER], request=self.requests[(customer, offer, kind)])

    def reject(self, *, customer: str, offer: str, kind: str, reason: str) -> None:
        """The reviewer rejects the request with a reason."""
        review_reject(actor=self.staff[Role.REVIEWER], request=self.requests[(customer, offer, kind)], reason=reason)

    def ask(self, *, customer: str, offer: str, kind: str, question: str) -> None:
        """The reviewer asks the partner for more information."""
        review_request_info(
            actor=self.staff[Role.REVIEWER], request=self.requests[(customer, offer, kind)], question=question
        )

    def answer(self, *, customer: str, offer: str, kind: str, partner: str, note: str) -> None:
        """The partner answers the reviewer's question."""
        review_provide_info(
            actor=self.partner_users[partner], request=self.requests[(customer, offer, kind)], note=note
        )

    def cancel(self, *, customer: str, offer: str, reason: str) -> None:
        """The operator cancels a voucher."""
        voucher_cancel(actor=self.staff[Role.OPERATOR], voucher=self._voucher(customer, offer), reason=reason)

    def daily_run(self, *, day: dt.date) -> None:
        """The daily jobs: expiries, lapsed referrals, reminders, e-mail."""
        daily_run(on=day)

    # ------------------------------------------------------------------------------------------ stories

    def setup(self) -> None:
        """Partners, customers and exchange rates, before the programs start."""
        self.at("2023-07-03", self.setup_partners)
        self.at("2023-07-05", self.setup_customers)
        for set_on, currency, rate, effective_from in EXCHANGE_RATES:
            self.at(set_on, self.exchange_rate, currency=currency, rate=rate, effective_from=effective_from)

    def contoso_us(self) -> None:
        """DEP completed by Fabrikam (Contoso's own partners may not redeem it), then an open Copilot one."""
        c = "Contoso US"
        self.at("2023-09-01", self.nominate, customer=c, offer=DEP)
        self.at("2023-10-02", self.deal, customer=c, value="500000.00", workloads=["Microsoft 365 E3"])
        self.at("2023-10-05", self.issue, customer=c, offer=DEP, face_value="75000.00")
        self.at("2023-10-11", self.submit, customer=c, offer=DEP, kind=SOW, partner="Fabrikam", value="60000.00")
        self.at("2023-10-13", self.approve, customer=c, offer=DEP, kind=SOW)
        self.at("2024-02-20", self.submit, customer=c, offer=DEP, kind=POE, partner="Fabrikam", users=3600)
        self.at("2024-02-22", self.approve, customer=c, offer=DEP, kind=POE)
        self.at("2024-03-01", self.nominate, customer=c, offer=COP)
        self.at("2024-04-12", self.deal, customer=c, value="400000.00", workloads=["Microsoft 365 Copilot"])
        self.at("2024-04-18", self.issue, customer=c, offer=COP, face_value="95000.00")

    def adatum(self) -> None:
        """DEP and Copilot from one deal: DEP completed within the combination cap, Copilot expired."""
        c = "Adatum Corporation"
        self.at("2023-11-01", self.nominate, customer=c, offer=DEP)
        self.at("2023-11-01", self.nominate, customer=c, offer=COP)
        self.at(
            "2023-12-01",
            self.deal,
            customer=c,
            value="300000.00",
            workloads=["Microsoft 365 E3", "Microsoft 365 Copilot"],
        )
        self.at("2023-12-05", self.issue, customer=c, offer=DEP, face_value="25000.00")
        self.at("2023-12-05", self.issue, customer=c, offer=COP, face_value="40000.00")
        self.at(
            "2023-12-12", self.submit, customer=c, offer=DEP, kind=SOW, partner="Northwind Consulting", value="25000.00"
        )
        self.at("2023-12-14", self.approve, customer=c, offer=DEP, kind=SOW)
        self.at("2024-01-10", self.submit, customer=c, offer=COP, kind=SOW, partner="Contoso CA", value="40000.00")
        self.at("2024-01-12", self.approve, customer=c, offer=COP, kind=SOW)
        self.at("2024-03-11", self.submit, customer=c, offer=DEP, kind=POE, partner="Northwind Consulting", users=250)
        self.at("2024-03-13", self.approve, customer=c, offer=DEP, kind=POE)

    def proseware(self) -> None:
        """Public-sector Migration & Deployment: SOW approved after a question, POE in review."""
        c, p = "Proseware County", "Northwind Consulting"
        self.at("2024-01-10", self.nominate, customer=c, offer=MD)
        self.at(
            "2024-02-15",
            self.deal,
            customer=c,
            value="600000.00",
            workloads=["Microsoft 365 E5", "Teams Phone"],
            migration=("Office on-premises",),
        )
        self.at("2024-02-20", self.issue, customer=c, offer=MD, face_value="100000.00")
        self.at("2024-03-04", self.submit, customer=c, offer=MD, kind=SOW, partner=p, value="90000.00")
        self.at(
            "2024-03-05",
            self.ask,
            customer=c,
            offer=MD,
            kind=SOW,
            question="Please list the Exchange Server 2016 mailboxes in scope of the migration.",
        )
        self.at(
            "2024-03-07",
            self.answer,
            customer=c,
            offer=MD,
            kind=SOW,
            partner=p,
            note="Added appendix B: 2,740 mailboxes on two Exchange 2016 DAGs.",
        )
        self.at("2024-03-08", self.approve, customer=c, offer=MD, kind=SOW)
        self.at("2024-06-24", self.submit, customer=c, offer=MD, kind=POE, partner=p, users=2700)

    def graphic_design(self) -> None:
        """An education DEP voucher the operator cancelled."""
        c = "Graphic Design Institute"
        self.at("2023-10-02", self.nominate, customer=c, offer=DEP)
        self.at("2023-11-15", self.deal, customer=c, value="400000.00", workloads=["Microsoft 365 E3"])
        self.at("2023-11-20", self.issue, customer=c, offer=DEP, face_value="75000.00")
        self.at(
            "2024-01-08",
            self.cancel,
            customer=c,
            offer=DEP,
            reason="The purchase was re-booked under a new agreement number; the deal is void.",
        )

    def school_of_fine_art(self) -> None:
        """An open education DEP voucher, not yet taken to a partner."""
        c = "School of Fine Art"
        self.at("2024-02-26", self.nominate, customer=c, offer=DEP)
        self.at("2024-03-11", self.deal, customer=c, value="200000.00", workloads=["Microsoft 365 E3"])
        self.at("2024-03-15", self.issue, customer=c, offer=DEP, face_value="25000.00")

    def tailwind_ph(self) -> None:
        """Office 365 E1+ in the Philippines (DEP-E1P), redeemed by the partner paid in INR."""
        c = "Tailwind Traders Philippines"
        self.at("2024-05-01", self.nominate, customer=c, offer=DEP)
        self.at("2024-05-15", self.deal, customer=c, value="600000.00", workloads=["Office 365 E1+"])
        self.at("2024-05-20", self.issue, customer=c, offer=DEP, face_value="95000.00")
        self.at(
            "2024-06-03",
            self.submit,
            customer=c,
            offer=DEP,
            kind=SOW,
            partner="Tailspin Consulting India",
            value="95000.00",
        )
        self.at("2024-06-05", self.approve, customer=c, offer=DEP, kind=SOW)

    def margies_travel(self) -> None:
        """Office 365 E1+ migration from a competitor in India (MD-E1P), open."""
        c = "Margie's Travel India"
        self.at("2024-05-08", self.nominate, customer=c, offer=MD)
        self.at(
            "2024-05-20",
            self.deal,
            customer=c,
            value="500000.00",
            workloads=["Office 365 E1+"],
            migration=("competitor",),
        )
        self.at("2024-05-24", self.issue, customer=c, offer=MD, face_value="90000.00")

    def southridge(self) -> None:
        """Government in Brazil, Q4 limited-time DEP: $0 at the SOW, the whole SOW value at the POE."""
        c, p = "Southridge Video Brasil", "Fabrikam"
        self.at("2024-04-01", self.nominate, customer=c, offer=DEP)
        self.at("2024-04-10", self.deal, customer=c, value="800000.00", workloads=["Microsoft 365 E5"])
        self.at("2024-04-15", self.issue, customer=c, offer=DEP, face_value="95000.00")
        self.at("2024-04-22", self.submit, customer=c, offer=DEP, kind=SOW, partner=p, value="90000.00")
        self.at("2024-04-24", self.approve, customer=c, offer=DEP, kind=SOW)
        self.at("2024-06-10", self.submit, customer=c, offer=DEP, kind=POE, partner=p, users=480)
        self.at("2024-06-12", self.approve, customer=c, offer=DEP, kind=POE)

    def wingtip(self) -> None:
        """Copilot, Enterprise: initial payment made, the POE waits past its review date."""
        c, p = "Wingtip Toys", "Contoso CA"
        self.at("2024-04-02", self.nominate, customer=c, offer=COP)
        self.at(
            "2024-04-22",
            self.deal,
            customer=c,
            value="300000.00",
            workloads=["Microsoft 365 Copilot", "Microsoft 365 E5"],
        )
        self.at("2024-04-25", self.issue, customer=c, offer=COP, face_value="80000.00")
        self.at("2024-05-06", self.submit, customer=c, offer=COP, kind=SOW, partner=p, value="80000.00")
        self.at("2024-05-08", self.approve, customer=c, offer=COP, kind=SOW)
        self.at("2024-06-20", self.submit, customer=c, offer=COP, kind=POE, partner=p, users=1200)

    def vanarsdel(self) -> None:
        """A DEP voucher never redeemed: reminders to the customer (account team in copy), then expiry."""
        c = "VanArsdel Ltd"
        self.at("2023-08-01", self.nominate, customer=c, offer=DEP)
        self.at(
            "2023-08-21",
            self.deal,
            customer=c,
            value="450000.00",
            workloads=["Microsoft 365 E3", "Frontline Worker F3"],
        )
        self.at("2023-08-25", self.issue, customer=c, offer=DEP, face_value="60000.00")

    def munsons(self) -> None:
        """A SOW rejected (priced FastTrack services), then another partner's SOW in review."""
        c = "Munson's Pickles and Preserves"
        self.at("2024-01-15", self.nominate, customer=c, offer=DEP)
        self.at("2024-02-01", self.deal, customer=c, value="200000.00", workloads=["Microsoft 365 E3"])
        self.at("2024-02-05", self.issue, customer=c, offer=DEP, face_value="25000.00")
        self.at(
            "2024-02-12", self.submit, customer=c, offer=DEP, kind=SOW, partner="Northwind Consulting", value="25000.00"
        )
        self.at(
            "2024-02-14",
            self.reject,
            customer=c,
            offer=DEP,
            kind=SOW,
            reason="The SOW charges the customer for FastTrack Benefit services (MWS-RED-04).",
        )
        self.at("2024-06-25", self.submit, customer=c, offer=DEP, kind=SOW, partner="Fabrikam", value="24000.00")

    def woodgrove(self) -> None:
        """CSO tier 1, completed: 1,200 verified users at $15."""
        c, p = "Woodgrove Bank", "Fabrikam"
        self.at("2023-09-01", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2023-09-05", self.accept, customer=c)
        self.at("2023-09-12", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="18000.00")
        self.at("2023-09-14", self.approve, customer=c, offer=CSO, kind=SOW)
        self.at(
            "2024-01-10",
            self.submit,
            customer=c,
            offer=CSO,
            kind=POE,
            partner=p,
            users=1200,
            workloads={"Exchange Online": 1200, "SharePoint Online": 1100, "Teams": 900},
        )
        self.at("2024-01-11", self.verify, customer=c, offer=CSO, users=1200)
        self.at("2024-01-12", self.approve, customer=c, offer=CSO, kind=POE)

    def fourth_coffee(self) -> None:
        """CSO in India, paid in INR at the rate in force on the payment date."""
        c, p = "Fourth Coffee India", "Tailspin Consulting India"
        self.at("2023-10-02", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2023-10-09", self.accept, customer=c)
        self.at("2023-10-16", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="15000.00")
        self.at("2023-10-18", self.approve, customer=c, offer=CSO, kind=SOW)
        self.at(
            "2024-02-05",
            self.submit,
            customer=c,
            offer=CSO,
            kind=POE,
            partner=p,
            users=1000,
            workloads={"Exchange Online": 1000, "Teams": 800, "Microsoft 365 Apps": 600},
        )
        self.at("2024-02-06", self.verify, customer=c, offer=CSO, users=950)
        self.at("2024-02-07", self.approve, customer=c, offer=CSO, kind=POE)

    def litware(self) -> None:
        """CSO tier 2, public sector: the POE is in review with seats verified."""
        c, p = "Litware Health", "Northwind Consulting"
        self.at("2024-02-01", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2024-02-05", self.accept, customer=c)
        self.at("2024-02-20", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="50000.00")
        self.at("2024-02-22", self.approve, customer=c, offer=CSO, kind=SOW)
        self.at(
            "2024-06-26",
            self.submit,
            customer=c,
            offer=CSO,
            kind=POE,
            partner=p,
            users=3400,
            workloads={"Exchange Online": 3400, "SharePoint Online": 3000, "Teams": 2800},
        )
        self.at("2024-06-27", self.verify, customer=c, offer=CSO, users=3350)

    def trey(self) -> None:
        """CSO tier 2, government: the SOW was approved but no POE came before expiry."""
        c, p = "Trey Research", "Fabrikam"
        self.at("2023-08-15", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2023-08-21", self.accept, customer=c)
        self.at("2023-09-05", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="45000.00")
        self.at("2023-09-07", self.approve, customer=c, offer=CSO, kind=SOW)

    def blue_yonder(self) -> None:
        """CSO for a CSP customer, cancelled by the operator."""
        c = "Blue Yonder Airlines"
        self.at("2023-11-01", self.nominate, customer=c, offer=CSO, partner="Contoso CA")
        self.at("2023-11-06", self.accept, customer=c)
        self.at(
            "2023-12-01",
            self.cancel,
            customer=c,
            offer=CSO,
            reason="The tenant was consolidated into the parent airline's TPID.",
        )

    def alpine(self) -> None:
        """CSO for a US Federal customer, open."""
        c = "Alpine Ski House"
        self.at("2024-05-06", self.nominate, customer=c, offer=CSO, partner="Fabrikam")
        self.at("2024-05-13", self.accept, customer=c)

    def coho(self) -> None:
        """CSO in Brazil: the SOW waits for the information the reviewer asked for."""
        c, p = "Coho Winery", "Contoso CA"
        self.at("2024-03-04", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2024-03-11", self.accept, customer=c)
        self.at("2024-06-18", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="9750.00")
        self.at(
            "2024-06-20",
            self.ask,
            customer=c,
            offer=CSO,
            kind=SOW,
            question="Show the FastTrack Benefit services at $0 to the customer (CSO-RED-06).",
        )

    def lamna(self) -> None:
        """CSO, public sector: a SOW rejected, a corrected one in review."""
        c, p = "Lamna Healthcare", "Northwind Consulting"
        self.at("2024-01-15", self.nominate, customer=c, offer=CSO, partner=p)
        self.at("2024-01-22", self.accept, customer=c)
        self.at("2024-02-01", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="30000.00")
        self.at(
            "2024-02-05",
            self.reject,
            customer=c,
            offer=CSO,
            kind=SOW,
            reason="The SOW lists Power BI deployment, which this offer does not cover (CSO-WL-01).",
        )
        self.at("2024-06-26", self.submit, customer=c, offer=CSO, kind=SOW, partner=p, value="25000.00")

    def relecloud(self) -> None:
        """CSO in Mexico: the first partner declined, the customer was re-mapped and the voucher is open."""
        c = "Relecloud"
        self.at("2024-04-01", self.nominate, customer=c, offer=CSO, partner="Northwind Consulting")
        self.at("2024-04-05", self.decline, customer=c, reason="No Spanish-speaking delivery team this quarter.")
        self.at("2024-04-08", self.nominate, customer=c, offer=CSO, partner="Fabrikam")
        self.at("2024-04-10", self.accept, customer=c)

    def wide_world(self) -> None:
        """CSO in the Philippines: a referral still waiting for the partner's answer."""
        self.at(
            "2024-06-17", self.nominate, customer="Wide World Importers", offer=CSO, partner="Tailspin Consulting India"
        )

    def humongous(self) -> None:
        """CSO: a referral nobody answered within 30 days; it lapsed."""
        self.at("2024-01-08", self.nominate, customer="Humongous Insurance", offer=CSO, partner="Northwind Consulting")
