"""The facts rules look at: plain, frozen values read from the database by the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from offerdesk.core.errors import Finding

if TYPE_CHECKING:
    from offerdesk.catalogue.loader import LoadedProgram
    from offerdesk.catalogue.params import Params
    from offerdesk.catalogue.schema import Offer


def ok(rule: str, reason: str) -> Finding:
    return Finding(rule=rule, ok=True, reason=reason)


def fail(rule: str, reason: str) -> Finding:
    return Finding(rule=rule, ok=False, reason=reason)


def check(rule: str, passed: bool, reason: str) -> Finding:
    return Finding(rule=rule, ok=passed, reason=reason)


@dataclass(frozen=True)
class HeldVoucher:
    """A voucher the customer holds against its limit; the vouchers app says what its status means."""

    code: str
    offer_name: str
    family: str
    cancelled: bool = False
    expired: bool = False


@dataclass(frozen=True)
class CustomerFacts:
    tpid: str
    sector: str
    segment: str
    country: str
    ecif_funded: bool
    company_group_id: int | None
    seats_paid: dict[str, int] = field(default_factory=dict)
    seats_in_use: dict[str, int] = field(default_factory=dict)
    mau: dict[str, Decimal] = field(default_factory=dict)
    prior_licences: tuple[tuple[str, int, dt.date], ...] = ()
    held: tuple[HeldVoucher, ...] = ()


@dataclass(frozen=True)
class PartnerFacts:
    id: int
    name: str
    approved: bool
    company_group_id: int | None


@dataclass(frozen=True)
class DealFacts:
    value: Decimal
    close_date: dt.date
    closed_at: dt.datetime | None
    workloads: frozenset[str]
    migration: frozenset[str]
    upsell_attested: bool = True
    policy_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """Everything an eligibility rule may look at, as of one day."""

    program: LoadedProgram
    offer: Offer
    params: Params
    on: dt.date
    customer: CustomerFacts
    partner: PartnerFacts | None = None
    nominated_at: dt.datetime | None = None
    nominated_on: dt.date | None = None
    deal: DealFacts | None = None
    face_value: Decimal | None = None
    respond_by: dt.date | None = None
    policy_decision: str = ""  # an operator's answer to the deal's open policy questions (AMB-31)


@dataclass(frozen=True)
class ExistingRequest:
    """A request already made on the voucher; the redemptions app says what its status means."""

    kind: str  # SOW | POE
    partner_id: int
    is_open: bool  # received, waiting for information or approved: it holds its kind's one slot
    is_approved: bool


@dataclass(frozen=True)
class RedemptionFacts:
    """Everything a submission or approval rule may look at."""

    program: LoadedProgram
    offer: Offer
    params: Params
    on: dt.date
    kind: str  # SOW | POE
    customer: CustomerFacts
    partner: PartnerFacts
    voucher_partner_id: int | None
    voucher_cancelled: bool
    issue_date: dt.date
    expiry_date: dt.date
    existing: tuple[ExistingRequest, ...]
    template_id: str
    customer_signed: bool
    partner_signed: bool
    value: Decimal | None = None
    users_deployed: int | None = None
    workload_users: dict[str, int] = field(default_factory=dict)
    verified_users: int | None = None
    verified_workload_users: dict[str, int] = field(default_factory=dict)  # CSO: verified users per workload
    submitted_on: dt.date | None = None  # for approvals: when the request was submitted
    respond_by: dt.date | None = None  # CSO: the end of the referral's intent window
