"""Loading the demo: a year of both programs (`data.py`) replayed through the services, a login for every role."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.selectors import offer_get
from offerdesk.core import dates
from offerdesk.core.errors import DomainError
from offerdesk.customers import services as customer_services
from offerdesk.customers.models import CompanyGroup, Customer
from offerdesk.documents.services import document_prepare, document_sign
from offerdesk.jobs.services import daily_run
from offerdesk.partners.models import Partner
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
from offerdesk.vouchers.choices import ReferralStatus, VoucherStatus
from offerdesk.vouchers.models import Referral, Voucher
from offerdesk.vouchers.selectors import voucher_latest_unscoped
from offerdesk.vouchers.services import (
    deal_record,
    nomination_create,
    referral_accept,
    referral_decline,
    voucher_cancel,
    voucher_issue,
)

from . import data
from .data import (
    CUSTOMER_LOGIN,
    CUSTOMERS,
    DEMO_END,
    EXCHANGE_RATES,
    FIRST_DAILY_RUN,
    FPM_EMAIL,
    MARKER_TPID,
    PARTNERS,
    PASSWORD,
    POE,
    SETUP_CUSTOMERS,
    SETUP_PARTNERS,
    STAFF,
    STAFF_DOMAIN,
    DemoLogin,
    Story,
)

Action = Callable[..., object]


class DemoStepRefused(Exception):
    """A service refused a demo step: the demo data only ever does valid things, so this is a bug."""


class DemoNotAllowed(Exception):
    """The demo's users have a published password: these settings (production) do not allow loading it."""


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
    if not settings.OFFERDESK_DEMO_ALLOWED:
        raise DemoNotAllowed(
            f"the demo creates users whose password is {PASSWORD!r}: it does not run under {settings.SETTINGS_MODULE}"
        )
    with transaction.atomic():
        if demo_exists():
            return False
        _Story().replay(data.STORIES)  # read at call time: a test may replace the stories
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
    """The replay: the setup, then each customer's story, day by day in date order, through the services."""

    def __init__(self) -> None:
        self.staff: dict[str, User] = {}
        self.partners: dict[str, Partner] = {}
        self.partner_users: dict[str, User] = {}
        self.customers: dict[str, Customer] = {}
        self.signers: dict[str, str] = {c.name: c.signer for c in CUSTOMERS}
        self.requests: dict[tuple[str, str, str], RedemptionRequest] = {}
        self.steps: list[_Step] = []

    # ------------------------------------------------------------------------------------------ replay

    def at(self, day: dt.date, action: Action, /, **kwargs: Any) -> None:
        """Schedule an action for a day."""
        label = f"{action.__name__.lstrip('_')} " + ", ".join(f"{k}={v}" for k, v in kwargs.items())
        self.steps.append(
            _Step(day, 0 if action == self.daily_run else 1, len(self.steps), label.strip(), action, kwargs)
        )

    def replay(self, stories: Iterable[Story]) -> None:
        """Create the staff, schedule the setup, every story and the Monday daily runs, and play them in date order."""
        for login in STAFF:
            self.staff[login.role] = _user(username=login.username, role=login.role)
        _user(username="admin", role=Role.OPERATOR, is_staff=True, is_superuser=True)
        self.at(SETUP_PARTNERS, self.setup_partners)
        self.at(SETUP_CUSTOMERS, self.setup_customers)
        for set_on, currency, rate, effective_from in EXCHANGE_RATES:
            self.at(
                dt.date.fromisoformat(set_on),
                self.exchange_rate,
                currency=currency,
                rate=rate,
                effective_from=effective_from,
            )
        for story in stories:
            for event in story.events:
                self.at(event.day, getattr(self, event.action), customer=story.customer, **event.args)
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
                country=spec.country,
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

    def prepare(self, *, customer: str, offer: str, kind: str, partner: str, value: str | None = None) -> None:
        """The partner prepares the program template in the portal and signs it: the customer's to sign next."""
        signer = self.partner_users[partner]
        document = document_prepare(
            actor=signer, voucher=self._voucher(customer, offer), partner=self.partners[partner], kind=kind, value=value
        )
        document_sign(
            actor=signer,
            document=document,
            party="partner",
            name=f"{partner} delivery lead",
            title="Partner signatory",
            ip=None,
            user_agent="offerdesk demo",
            shown_sha256=document.sha256,
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
