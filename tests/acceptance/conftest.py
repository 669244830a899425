"""Step definitions for the acceptance features. Steps drive the real services and read back what the
system recorded; they never compute an expected figure themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.core import mail
from pytest_bdd import parsers, step

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.selectors import offer_get
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import DomainError
from offerdesk.core.money import parse_local_money, parse_money
from offerdesk.customers import services as customers
from offerdesk.customers.models import Customer
from offerdesk.jobs.services import daily_run
from offerdesk.notifications.services import KIND_HEADER, outbox_deliver
from offerdesk.partners.models import Partner
from offerdesk.partners.services import partner_create
from offerdesk.payouts.selectors import partner_owed
from offerdesk.payouts.services import exchange_rate_set
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import (
    SignatureInput,
    redemption_submit,
    redemption_template_id,
)
from offerdesk.reviews.services import review_approve, review_reject, review_verify_seats
from offerdesk.vouchers.models import Referral
from offerdesk.vouchers.selectors import voucher_latest_unscoped, voucher_quote
from offerdesk.vouchers.services import (
    deal_record,
    nomination_create,
    referral_accept,
    referral_decline,
    voucher_issue,
)
from tests.factories import Cast, make_cast, moment, snapshot

DATE = r"(?P<when>\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?)"
MONEY = r"(?P<money>\$[0-9,]+\.[0-9]{2})"


def vertical(datatable: list[list[str]] | None) -> dict[str, str]:
    """A two-column table as a mapping."""
    return {row[0].strip(): row[1].strip() for row in (datatable or [])}


@dataclass
class Outcome:
    error: DomainError | None
    changed: bool


@dataclass
class World:
    """What the scenario has set up and done so far."""

    cast: Cast
    customers: dict[str, Customer] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    partner_users: dict[str, User] = field(default_factory=dict)
    clock: dt.datetime | None = None
    last: Outcome | None = None
    last_request: RedemptionRequest | None = None

    def customer(self, name: str) -> Customer:
        self.customers[name].refresh_from_db()
        return self.customers[name]

    def at(self, when: str | None) -> Any:
        """Freeze the clock at a step's date, or where the last dated step left it."""
        if when is not None:
            self.clock = moment(when)
        target = self.clock or dt.datetime.now(dt.UTC)
        return time_machine.travel(target, tick=False)

    def act(self, when: str | None, action: Callable[[], Any]) -> Any:
        """Carry out an action at a date; record whether it was refused and whether anything changed."""
        before = snapshot()
        result, error = None, None
        with self.at(when):
            try:
                result = action()
            except DomainError as exc:
                error = exc
            outbox_deliver()  # as the worker would, once the action has committed
        self.last = Outcome(error=error, changed=snapshot() != before)
        return result


@pytest.fixture
def cast(db: None) -> Cast:
    """The cast's staff: a scenario creates every partner it names, whatever the name."""
    return make_cast(partners=False)


@pytest.fixture
def world(cast: Cast) -> World:
    return World(cast=cast)


@pytest.fixture(autouse=True)
def _clear_catalogue_cache() -> Iterator[None]:
    yield


# ---------------------------------------------------------------------------------------------- setup


@step(parsers.re(r'the policy "(?P<name>[^"]+)" is (?P<value>.+)'))
def set_policy(world: World, name: str, value: str) -> None:
    with world.at(None):
        parameter_set(actor=world.cast.operator, key=name, value=value.strip(), reason="scenario policy")


@step(parsers.re(r'a customer "(?P<name>[^"]+)" with TPID "(?P<tpid>[^"]+)":?'))
def a_customer(world: World, name: str, tpid: str, datatable: list[list[str]]) -> None:
    table = vertical(datatable)
    with world.at(None):
        world.customers[name] = customers.customer_create(
            actor=world.cast.operator,
            tpid=tpid,
            name=name,
            sector=table["sector"],
            segment=table["segment"],
            country=table["country"],
            contacts=[table["contact"]] if table.get("contact") else [],
            account_team=[table["account team"]] if table.get("account team") else [],
        )


@step(parsers.re(r'"(?P<name>[^"]+)" has (?P<paid>\d+) paid seats of "(?P<sku>[^"]+)" with (?P<in_use>\d+) in use'))
def has_seats(world: World, name: str, paid: str, sku: str, in_use: str) -> None:
    with world.at(None):
        customers.customer_set_seats(
            actor=world.cast.operator,
            customer=world.customer(name),
            sku=sku,
            paid=int(paid),
            in_use=int(in_use),
        )


@step(parsers.re(r'"(?P<name>[^"]+)" has monthly active usage:?'))
def has_usage(world: World, name: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert [h.strip() for h in header] == ["workload", "mau"], header
    with world.at(None):
        customers.customer_set_usage(
            actor=world.cast.operator,
            customer=world.customer(name),
            usage={row[0].strip(): row[1].strip() for row in rows},
        )


@step(parsers.re(r'"(?P<name>[^"]+)" owned (?P<count>\d+) "(?P<sku>[^"]+)" licences before the promotional period'))
def owned_before(world: World, name: str, count: str, sku: str) -> None:
    with world.at(None):
        customers.customer_set_prior_licences(
            actor=world.cast.operator, customer=world.customer(name), sku=sku, quantity=int(count)
        )


@step(parsers.re(r'the deployment for "(?P<name>[^"]+)" is funded by ECIF'))
def funded_by_ecif(world: World, name: str) -> None:
    with world.at(None):
        customers.customer_set_ecif(actor=world.cast.operator, customer=world.customer(name), funded=True)


@step(parsers.re(r'"(?P<name>[^"]+)" belongs to the company group "(?P<group>[^"]+)"'))
def belongs_to_group(world: World, name: str, group: str) -> None:
    with world.at(None):
        company = customers.company_group_get_or_create(actor=world.cast.operator, name=group)
        customers.customer_set_company_group(actor=world.cast.operator, customer=world.customer(name), group=company)


@step(parsers.re(r'a FastTrack Ready Partner "(?P<name>[^"]+)":?'))
def a_partner(world: World, name: str, datatable: list[list[str]] | None = None) -> None:
    table = vertical(datatable)
    with world.at(None):
        group = (
            customers.company_group_get_or_create(actor=world.cast.operator, name=table["company group"])
            if table.get("company group")
            else None
        )
        partner = partner_create(
            actor=world.cast.operator,
            name=name,
            company_group=group,
            primary_contact=table.get("primary contact", ""),
            program_manager=table.get("program manager", ""),
            payout_currency=table.get("payout currency", "USD"),
        )
    world.partners[name] = partner
    world.partner_users[name] = User.objects.create_user(
        username=f"{name.lower().replace(' ', '-')}-user", role=Role.PARTNER, partner=partner
    )


@step(
    parsers.re(
        r"the exchange rate from (?P<when>\d{4}-\d{2}-\d{2}) is (?P<rate>[0-9.,]+) (?P<currency>[A-Z]{3}) per USD"
    )
)
def exchange_rate(world: World, when: str, rate: str, currency: str) -> None:
    with world.at(None):
        exchange_rate_set(
            actor=world.cast.finance,
            currency=currency,
            rate=rate,
            effective_from=dt.date.fromisoformat(when),
        )


# ---------------------------------------------------------------------------------------------- actions


@step(
    parsers.re(
        r'Microsoft nominates "(?P<name>[^"]+)" for the Customer Success Offer with partner '
        r'"(?P<partner>[^"]+)" on ' + DATE
    )
)
def nominate_cso(world: World, name: str, partner: str, when: str) -> None:
    world.act(
        when,
        lambda: nomination_create(
            actor=world.cast.seller,
            customer=world.customer(name),
            offer=offer_get(name_or_code="Customer Success Offer"),
            partner=world.partners[partner],
        ),
    )


def _partner_referral(world: World, partner: str) -> Referral:
    referrals = Referral.objects.filter(partner=world.partners[partner])
    referral = (referrals.filter(status="pending") or referrals).order_by("-notified_on", "-id").first()
    assert referral is not None, f"{partner} has no referral"
    return referral


@step(parsers.re(r'"(?P<partner>[^"]+)" accepts the referral on ' + DATE))
def accept_referral(world: World, partner: str, when: str) -> None:
    world.act(
        when,
        lambda: referral_accept(actor=world.partner_users[partner], referral=_partner_referral(world, partner)),
    )


@step(parsers.re(r'"(?P<partner>[^"]+)" declines the referral on ' + DATE))
def decline_referral(world: World, partner: str, when: str) -> None:
    world.act(
        when,
        lambda: referral_decline(actor=world.partner_users[partner], referral=_partner_referral(world, partner)),
    )


@step(parsers.re(r'Microsoft nominates "(?P<name>[^"]+)" for the "(?P<offer>[^"]+)" on ' + DATE))
def nominate(world: World, name: str, offer: str, when: str) -> None:
    world.act(
        when,
        lambda: nomination_create(
            actor=world.cast.seller, customer=world.customer(name), offer=offer_get(name_or_code=offer)
        ),
    )


@step(parsers.re(r'"(?P<name>[^"]+)" closes a qualifying deal on ' + DATE + ":?"))
def closes_deal(world: World, name: str, when: str, datatable: list[list[str]]) -> None:
    table = vertical(datatable)
    closed = moment(when)
    world.act(
        None,
        lambda: deal_record(
            actor=world.cast.seller,
            customer=world.customer(name),
            value=table["value"],
            close_date=closed.date(),
            closed_at=closed if " " in when else None,
            workloads=table["workloads"].split(","),
            migration=[m for m in table.get("migration", "").split(",") if m.strip()],
        ),
    )


@step(
    parsers.re(
        r'a voucher is issued to "(?P<name>[^"]+)" for the "(?P<offer>[^"]+)" on '
        + DATE
        + r" with a face value of "
        + MONEY
    )
)
def issue_voucher(world: World, name: str, offer: str, when: str, money: str) -> None:
    world.act(
        when,
        lambda: voucher_issue(
            actor=world.cast.operator,
            customer=world.customer(name),
            offer=offer_get(name_or_code=offer),
            face_value=money,
        ),
    )


SIGNATURES = {
    "customer and partner": ["customer", "partner"],
    "partner only": ["partner"],
    "customer only": ["customer"],
}
REQUEST_KEYS = {"value", "template", "signatures", "users deployed"}


@step(
    parsers.re(
        r'"(?P<partner>[^"]+)" submits the (?P<kind>SOW|POE) for the "(?P<offer>[^"]+)" voucher of '
        r'"(?P<name>[^"]+)" on ' + DATE + ":?"
    )
)
def submits(
    world: World,
    partner: str,
    kind: str,
    offer: str,
    name: str,
    when: str,
    datatable: list[list[str]] | None = None,
) -> None:
    table = vertical(datatable)

    def submit() -> RedemptionRequest:
        voucher = voucher_latest_unscoped(customer=world.customer(name), offer=offer_get(name_or_code=offer))
        template = table.get("template", "program")
        template_id = (
            redemption_template_id(voucher=voucher, kind=kind)
            if template == "program"
            else f"{partner}-own-{kind.lower()}-form"
        )
        signed = SIGNATURES[table.get("signatures", "customer and partner")]
        return redemption_submit(
            actor=world.partner_users[partner],
            voucher=voucher,
            partner=world.partners[partner],
            kind=kind,
            template_id=template_id,
            signatures=[
                SignatureInput(
                    party=p,
                    name=f"{name if p == 'customer' else partner} signatory",
                    role="Authorised signatory",
                )
                for p in signed
            ],
            value=table.get("value"),
            users_deployed=table.get("users deployed"),
            workload_users={k: v for k, v in table.items() if k not in REQUEST_KEYS} or None,
        )

    request = world.act(when, submit)
    if request is not None:
        world.last_request = request


@step(parsers.re(r"Microsoft verifies (?P<users>\d+) deployed users"))
def verifies(world: World, users: str) -> None:
    request = world.last_request
    assert request is not None, "no POE was submitted"
    world.act(None, lambda: review_verify_seats(actor=world.cast.reviewer, request=request, users=int(users)))


@step(parsers.re(r"the reviewer (?P<decision>approves|rejects) it on " + DATE))
def reviewer_decides(world: World, decision: str, when: str) -> None:
    request = world.last_request
    assert request is not None, "no request was submitted"
    if decision == "approves":
        world.act(when, lambda: review_approve(actor=world.cast.reviewer, request=request))
    else:
        world.act(when, lambda: review_reject(actor=world.cast.reviewer, request=request, reason="Rejected"))


@step(parsers.re(r"the daily jobs run on " + DATE))
def daily_jobs(world: World, when: str) -> None:
    world.act(when, lambda: daily_run(on=moment(when).date()))


# ---------------------------------------------------------------------------------------------- outcomes


@step("it succeeds")
def it_succeeds(world: World) -> None:
    assert world.last is not None
    assert world.last.error is None, f"refused: {world.last.error}"


@step(parsers.re(r'it is refused under rule "(?P<rule>[^"]+)"'))
def it_is_refused(world: World, rule: str) -> None:
    assert world.last is not None
    assert world.last.error is not None, f"expected a refusal under {rule}, but it succeeded"
    assert rule in world.last.error.rules, f"refused under {world.last.error.rules}, not {rule}: {world.last.error}"
    assert not world.last.changed, "a refused action changed something"


@step(
    parsers.re(
        r'"(?P<name>[^"]+)" holds a "(?P<offer>[^"]+)" voucher worth up to '
        + MONEY
        + r" that expires on (?P<expiry>\d{4}-\d{2}-\d{2})"
    )
)
def holds_voucher(world: World, name: str, offer: str, money: str, expiry: str) -> None:
    voucher = voucher_latest_unscoped(customer=world.customer(name), offer=offer_get(name_or_code=offer))
    assert voucher.face_value == parse_money(money), f"worth up to {voucher.face_value}"
    assert voucher.expiry_date == dt.date.fromisoformat(expiry), f"expires on {voucher.expiry_date}"


@step(
    parsers.re(
        r'the "(?P<offer>[^"]+)" voucher of "(?P<name>[^"]+)" is (?P<status>expired|open|redeeming|completed|cancelled)'
    )
)
def voucher_status(world: World, offer: str, name: str, status: str) -> None:
    voucher = voucher_latest_unscoped(customer=world.customer(name), offer=offer_get(name_or_code=offer))
    assert voucher.status == status, f"the voucher is {voucher.status}"


@step(
    parsers.re(
        r'the highest voucher value for "(?P<name>[^"]+)" under the "(?P<offer>[^"]+)" when issued on '
        + DATE
        + " is "
        + MONEY
    )
)
def highest_value(world: World, name: str, offer: str, when: str, money: str) -> None:
    with world.at(when):
        quote = voucher_quote(
            customer=world.customer(name), offer=offer_get(name_or_code=offer), on=moment(when).date()
        )
    assert quote.eligible, f"not eligible: {[(f.rule, f.reason) for f in quote.failures]}"
    assert quote.cap == parse_money(money), f"the highest value is {quote.cap}"


@step(
    parsers.re(
        r'"(?P<name>[^"]+)" cannot be issued a "(?P<offer>[^"]+)" voucher on ' + DATE + r' under rule "(?P<rule>[^"]+)"'
    )
)
def cannot_be_issued(world: World, name: str, offer: str, when: str, rule: str) -> None:
    with world.at(when):
        quote = voucher_quote(
            customer=world.customer(name), offer=offer_get(name_or_code=offer), on=moment(when).date()
        )
    assert not quote.eligible, f"eligible, up to {quote.cap}"
    assert rule in {f.rule for f in quote.failures}, f"refused under {[f.rule for f in quote.failures]}"


@step(parsers.re(r"its review is due on (?P<due>\d{4}-\d{2}-\d{2})"))
def review_due(world: World, due: str) -> None:
    assert world.last_request is not None
    world.last_request.refresh_from_db()
    assert world.last_request.sla_due_on == dt.date.fromisoformat(due), f"due on {world.last_request.sla_due_on}"


@step(parsers.re(r'"(?P<partner>[^"]+)" is owed:?'))
def is_owed(world: World, partner: str, datatable: list[list[str]]) -> None:
    header, *rows = [[c.strip() for c in row] for row in datatable]
    lines = partner_owed(user=world.cast.finance, partner=world.partners[partner])
    actual = [(line.amount, line.payable_on) for line in lines]
    expected = [
        (parse_money(row[header.index("amount")]), dt.date.fromisoformat(row[header.index("payable on")]))
        for row in rows
    ]
    assert actual == expected, f"owed {actual}"
    if "local amount" in header:
        for line, row in zip(lines, rows, strict=True):
            currency, amount = parse_local_money(row[header.index("local amount")])
            assert (line.currency, line.local_amount) == (currency, amount), (
                f"local {line.currency} {line.local_amount}"
            )


@step(parsers.re(r'"(?P<partner>[^"]+)" is owed nothing'))
def owed_nothing(world: World, partner: str) -> None:
    lines = partner_owed(user=world.cast.finance, partner=world.partners[partner])
    assert lines == [], f"owed {[(line.amount, line.payable_on) for line in lines]}"


def _emails(address: str, kind: str, *, copies: bool = False) -> list[Any]:
    """What the e-mail backend delivered of a kind to an address (as a recipient, or in copy as well)."""
    return [
        m
        for m in mail.outbox
        if m.extra_headers.get(KIND_HEADER) == kind and (address in m.to or (copies and address in m.cc))
    ]


@step(parsers.re(r'"(?P<address>[^"]+)" is emailed "(?P<kind>[^"]+)" with "(?P<cc>[^"]+)" in copy'))
def emailed_with_copy(address: str, kind: str, cc: str) -> None:
    found = _emails(address, kind)
    assert found, f"no {kind!r} e-mail to {address}; sent: {[(m.to, m.extra_headers) for m in mail.outbox]}"
    assert any(cc in m.cc for m in found), f"{cc} not in copy: {[m.cc for m in found]}"


@step(parsers.re(r'"(?P<address>[^"]+)" is emailed "(?P<kind>[^"]+)"'))
def emailed(address: str, kind: str) -> None:
    assert _emails(address, kind, copies=True), f"no {kind!r} e-mail to {address}"


@step(parsers.re(r'"(?P<address>[^"]+)" is not emailed "(?P<kind>[^"]+)"'))
def not_emailed(address: str, kind: str) -> None:
    assert not _emails(address, kind, copies=True), f"{address} was e-mailed {kind!r}"
