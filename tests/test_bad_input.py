"""Bad input (OD-IN-01): arbitrary values thrown at every public service meet only domain errors, and a
refusal writes nothing but its audit row.

The services are discovered (every function of an `offerdesk.*.services` module wrapped by
`audited_refusals`), and a test checks that the table below covers each of them. Each service gets its
objects from a small world built once per test and arbitrary values (wrong types, huge numbers, empty,
unicode, NUL, booleans, floats, lists for strings and strings for lists) for every raw argument, mixed
with valid ones so that the service goes past its first check. `OFFERDESK_FUZZ_EXAMPLES` (default 25)
bounds the examples per service."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import offerdesk
from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audited_refusals
from offerdesk.catalogue.selectors import offer_get
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import DomainError, InvalidInput
from offerdesk.customers.models import CompanyGroup, Customer
from offerdesk.customers.services import customer_create
from offerdesk.documents.models import Document
from offerdesk.partners.models import Partner
from offerdesk.partners.services import partner_create
from offerdesk.payouts.models import Payment, PaymentRun, PaymentRunItem
from offerdesk.payouts.services import payment_run_create, payment_run_item_mark_paid, payment_run_mark_sent
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import SignatureInput
from offerdesk.reviews.selectors import review_queue
from offerdesk.vouchers.models import Deal, Referral, Voucher
from offerdesk.vouchers.services import deal_record, voucher_issue
from tests.factories import (
    Cast,
    approved_sow,
    audit_events,
    cso_customer,
    cso_nominate,
    cso_poe,
    cso_voucher,
    customer,
    customer_user,
    deal,
    make_cast,
    mws_nominate,
    mws_voucher,
    on,
    prepare_document,
    sign_document,
    snapshot,
    submit,
)

EXAMPLES = int(os.environ.get("OFFERDESK_FUZZ_EXAMPLES", "25"))
DAY = "2023-11-01"
IMPORT_SAMPLE = Path(offerdesk.__file__).parent / "imports" / "tests" / "customers.csv"
NASTY_CHARS = "\x00\x01\x1b\x7f\u202e\u2066\u200b\ufeff\ud800é中🙂 \n\t"

# ------------------------------------------------------------------------------------------ the values

NASTY_TEXT = st.text(alphabet=st.characters() | st.sampled_from(NASTY_CHARS), max_size=40) | st.sampled_from(
    ["", " ", "\x00", "a\x00b", "x" * 5000, "1e5", "NaN", "-1", "9" * 40, "Infinity", "$-5", "\u202eevil"]
)
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**31, 2**63, -(2**31), 10**13, 10**5000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
    st.binary(max_size=10),
    st.lists(NASTY_TEXT | st.integers(), max_size=4),
    st.dictionaries(NASTY_TEXT, NASTY_TEXT | st.integers(), max_size=3),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
)


def raw(*valid: Any) -> st.SearchStrategy[Any]:
    """An argument: one of its valid values, or anything at all."""
    return st.sampled_from(valid) | ANYTHING if valid else ANYTHING


def signatures() -> st.SearchStrategy[Any]:
    good = [SignatureInput(party=p, name=f"{p} signer", role="Director") for p in ("customer", "partner")]
    made = st.builds(SignatureInput, party=raw("customer", "partner"), name=raw("Ana"), role=raw("", "CIO"))
    return st.just(good) | st.lists(made, max_size=3) | ANYTHING


# ------------------------------------------------------------------------------------------- the world


@dataclass
class World:
    """The objects services act on, by primary key, fetched afresh for every example."""

    cast: Cast
    contoso: int
    litware: int
    cso: int
    dep: int
    sow: int
    poe: int
    referral: int
    group: int
    override: int
    payment: int
    poe_document: int

    def customer(self, name: str = "contoso") -> Customer:
        return Customer.objects.get(pk=getattr(self, name))

    def voucher(self, name: str) -> Voucher:
        return Voucher.objects.get(pk=getattr(self, name))

    def request(self, name: str) -> RedemptionRequest:
        return RedemptionRequest.objects.get(pk=getattr(self, name))

    def partner(self) -> Partner:
        return Partner.objects.get(pk=self.cast.fabrikam.pk)

    def document(self) -> Document:
        return Document.objects.get(pk=self.poe_document)


def build_world() -> World:
    cast = make_cast()
    contoso = cso_customer(cast.operator)
    voucher = cso_voucher(cast, customer=contoso)
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-09-10")
    tailspin = cso_customer(cast.operator, tpid="T-200", name="Tailspin")
    cso_2 = cso_voucher(cast, customer=tailspin)
    approved_sow(cast, voucher=cso_2, submitted="2023-09-05", approved="2023-09-06")
    poe = cso_poe(actor=cast.pat, voucher=cso_2, partner=cast.fabrikam, when="2023-10-10")
    pending = cso_customer(cast.operator, tpid="T-300", name="Woodgrove")
    referral = Referral.objects.get(nomination=cso_nominate(cast, customer=pending, partner=cast.northwind))
    adatum = customer(cast.operator, tpid="T-600", name="Adatum")
    customer_user(adatum, "ana")
    dep = mws_voucher(cast, customer=adatum)
    paid = approved_sow(cast, voucher=dep, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-11")
    litware = customer(cast.operator, tpid="T-700", name="Litware")
    mws_nominate(cast, customer=litware, when="2023-09-01")
    deal(cast, customer=litware, closed="2023-10-01")
    with on("2023-07-03"):
        group = CompanyGroup.objects.create(name="Contoso Group")
        override = parameter_set(actor=cast.operator, key="pay.lag_days", value="40", program_code="MWS")
    payment = Payment.objects.get(request=paid)
    # Fabrikam's POE for Adatum, prepared and signed by pat: it awaits the customer
    document = prepare_document(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="POE", when="2023-11-01")
    sign_document(document, actor=cast.pat, party="partner", when="2023-11-01")
    ids = (contoso, litware, voucher, dep, sow, poe, referral, group, override, payment, document)
    return World(cast, *(obj.pk for obj in ids))


# ------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Entry:
    """How to call one service: its actor and objects from the world, and a strategy per raw argument."""

    actor: Callable[[Cast], User] | None  # None: the service takes no actor (a job)
    objects: Callable[[World], dict[str, Any]]
    raw: dict[str, st.SearchStrategy[Any]]


def operator(cast: Cast) -> User:
    return cast.operator


def seller(cast: Cast) -> User:
    return cast.seller


def finance(cast: Cast) -> User:
    return cast.finance


def reviewer(cast: Cast) -> User:
    return cast.reviewer


def pat(cast: Cast) -> User:
    return cast.pat


def nico(cast: Cast) -> User:
    return cast.nico


def adatum_user(cast: Cast) -> User:
    """A user of Adatum's, the customer of the DEP voucher."""
    return User.objects.get(username="ana")


def nothing(world: World) -> dict[str, Any]:
    return {}


def payment_run(world: World, *, sent: bool = False) -> PaymentRun:
    """The world's payment in a run (made inside the example's transaction, so gone after it)."""
    with on(DAY):
        run = payment_run_create(actor=world.cast.finance, up_to="2099-12-31")
        if sent:
            payment_run_mark_sent(actor=world.cast.finance, run=run)
    return run


def run_item(world: World, *, paid: bool = False) -> PaymentRunItem:
    item = payment_run(world, sent=True).items.get()
    if paid:
        with on(DAY):
            payment_run_item_mark_paid(actor=world.cast.finance, item=item)
    return item


TABLE: dict[str, Entry] = {
    "company_group_get_or_create": Entry(operator, nothing, {"name": raw("Fabrikam Group")}),
    "customer_create": Entry(
        operator,
        nothing,
        {
            "tpid": raw("T-900"),
            "name": raw("Northwind Traders"),
            "sector": raw("Commercial", "Education"),
            "segment": raw("Enterprise", "SMC-C"),
            "country": raw("US", "in"),
            "contacts": raw(["it@n.example"], []),
            "account_team": raw(["ats@microsoft.example"], ()),
        },
    ),
    "customer_set_company_group": Entry(
        operator, lambda w: {"customer": w.customer(), "group": CompanyGroup.objects.get(pk=w.group)}, {}
    ),
    "customer_set_ecif": Entry(operator, lambda w: {"customer": w.customer()}, {"funded": raw(True, False)}),
    "customer_set_seats": Entry(
        operator,
        lambda w: {"customer": w.customer()},
        {"sku": raw("Office 365 E3"), "paid": raw(1000, "2,000"), "in_use": raw(10, "0")},
    ),
    "customer_set_usage": Entry(
        operator,
        lambda w: {"customer": w.customer()},
        {"usage": raw({"Teams": "20%"}, {"Exchange Online": Decimal("0.599995")})},
    ),
    "customer_set_prior_licences": Entry(
        operator,
        lambda w: {"customer": w.customer()},
        {"sku": raw("Microsoft 365 E3"), "quantity": raw(100, "1,000"), "as_of": raw(None, dt.date(2023, 6, 30))},
    ),
    "partner_create": Entry(
        operator,
        nothing,
        {
            "name": raw("Litware Consulting"),
            "country": raw("", "gb"),
            "primary_contact": raw("ops@litware.example", ""),
            "program_manager": raw("fpm@fasttrack.example"),
            "payout_currency": raw("USD", "inr"),
            "payment_profile": raw("", "PC-1"),
            "frp_status": raw("approved"),
        },
    ),
    "partner_assign_fpm": Entry(operator, lambda w: {"partner": w.partner(), "fpm": w.cast.felix}, {}),
    "nomination_create": Entry(
        seller,
        lambda w: {"customer": w.customer("litware"), "offer": offer_get(name_or_code="MD"), "partner": None},
        {},
    ),
    "referral_accept": Entry(nico, lambda w: {"referral": Referral.objects.get(pk=w.referral)}, {}),
    "referral_decline": Entry(
        nico, lambda w: {"referral": Referral.objects.get(pk=w.referral)}, {"reason": raw("", "busy")}
    ),
    "deal_record": Entry(
        seller,
        lambda w: {"customer": w.customer("litware")},
        {
            "value": raw("500000.00", "$75,000", Decimal(1)),
            "close_date": raw(dt.date(2023, 10, 1)),
            "workloads": raw(["Microsoft 365 E3"], ("Microsoft 365 Copilot",)),
            "migration": raw((), ["competitor"]),
            "closed_at": raw(None),
            "upsell_attested": raw(True),
            "policy_questions": raw(()),
        },
    ),
    "voucher_issue": Entry(
        operator,
        lambda w: {"customer": w.customer("litware"), "offer": offer_get(name_or_code="DEP")},
        {"face_value": raw("75000.00", "25,000"), "policy_decision": raw("")},
    ),
    "voucher_cancel": Entry(operator, lambda w: {"voucher": w.voucher("dep")}, {"reason": raw("duplicate")}),
    "voucher_choose_partner": Entry(
        operator, lambda w: {"voucher": w.voucher("dep"), "partner": Partner.objects.get(pk=w.cast.northwind.pk)}, {}
    ),
    "redemption_submit": Entry(
        pat,
        lambda w: {"voucher": w.voucher("cso"), "partner": w.partner()},
        {
            "kind": raw("POE", "SOW"),
            "template_id": raw("CSO-POE-2023.08", "CSO-SOW-2023.08"),
            "signatures": signatures(),
            "value": raw(None, "10000.00"),
            "users_deployed": raw(None, 600, "1,200"),
            "workload_users": raw(None, {"Exchange Online": 600, "Teams": "600"}),
            "document_hash": raw("", "ab" * 32),
        },
    ),
    "document_prepare": Entry(
        pat,
        lambda w: {"voucher": w.voucher("dep"), "partner": w.partner()},
        {
            "kind": raw("POE", "SOW"),
            "value": raw(None, "10000.00"),
            "users_deployed": raw(None, 600),
            "workload_users": raw(None, {"Exchange Online": 600}),
        },
    ),
    "document_sign": Entry(
        adatum_user,
        lambda w: {"document": w.document()},
        {
            "party": raw("customer", "partner"),
            "name": raw("Ana Adatum"),
            "title": raw("CIO", ""),
            "ip": raw("203.0.113.7", None, "::1"),
            "user_agent": raw("Mozilla/5.0", ""),
            "shown_sha256": raw("ab" * 32),
        },
    ),
    "document_decline": Entry(adatum_user, lambda w: {"document": w.document()}, {"reason": raw("", "no")}),
    "document_submit": Entry(pat, lambda w: {"document": w.document()}, {}),
    "document_upload": Entry(
        pat,
        lambda w: {"voucher": w.voucher("cso"), "partner": w.partner()},
        {
            "kind": raw("POE", "SOW"),
            "data": raw(b"%PDF-1.4\n%%EOF\n", b"GIF89a"),
            "signers": signatures(),
            "value": raw(None, "10000.00"),
            "users_deployed": raw(None, 600),
            "workload_users": raw(None, {"Exchange Online": 600}),
        },
    ),
    "review_approve": Entry(reviewer, lambda w: {"request": w.request("sow")}, {"reason": raw("", "fine")}),
    "review_reject": Entry(
        reviewer,
        lambda w: {"request": w.request("sow")},
        {"reason": raw("unsigned"), "reason_code": raw("", "figures", "other")},
    ),
    "review_request_info": Entry(
        reviewer, lambda w: {"request": w.request("sow")}, {"question": raw("which workloads?")}
    ),
    "review_verify_seats": Entry(
        reviewer,
        lambda w: {"request": w.request("poe")},
        {"users": raw(600, "550"), "workload_users": raw(None, {}, {"Exchange Online": "550", "Teams": 500})},
    ),
    "review_provide_info": Entry(
        pat,
        lambda w: {"request": w.request("sow")},
        {"note": raw("see attached"), "attachment": raw(None, ("sites.pdf", b"%PDF-1.7\n"))},
    ),
    "payment_fix_local_amount": Entry(finance, lambda w: {"payment": Payment.objects.get(pk=w.payment)}, {}),
    "payment_run_create": Entry(finance, nothing, {"up_to": raw("2099-12-31", dt.date(2099, 1, 1))}),
    "payment_run_mark_sent": Entry(finance, lambda w: {"run": payment_run(w)}, {}),
    "payment_run_export": Entry(finance, lambda w: {"run": payment_run(w)}, {"file_format": raw("csv", "xlsx")}),
    "payment_run_item_mark_paid": Entry(finance, lambda w: {"item": run_item(w)}, {}),
    "payment_run_item_mark_failed": Entry(finance, lambda w: {"item": run_item(w)}, {"reason": raw("IBAN refused")}),
    "payment_reverse": Entry(
        finance,
        lambda w: {"payment": run_item(w, paid=True).payment},
        {"amount": raw("1.00", Decimal("2.50")), "reason": raw("overstated")},
    ),
    "exchange_rate_set": Entry(
        operator,
        nothing,
        {
            "currency": raw("INR", "eur"),
            "rate": raw("83.1234", Decimal(1)),
            "effective_from": raw(dt.date(2023, 11, 1)),
        },
    ),
    "import_file": Entry(
        operator,
        nothing,
        {
            "kind": raw("customers", "seats"),
            "path": raw(str(IMPORT_SAMPLE), IMPORT_SAMPLE, ""),
            "dry_run": raw(True, False),
            "progress": raw(None),
            "engine": raw("auto", "rows"),
        },
    ),
    "daily_run": Entry(None, nothing, {"on": raw(None, "2023-10-31", dt.date(2023, 11, 1), "2023-11-02")}),
    "screening_run": Entry(
        operator,
        nothing,
        {"on": raw(None, "2023-10-31", dt.date(2023, 11, 1)), "offers": raw(None, ["DEP"], ("CSO", "MD"), [])},
    ),
    "screening_line_nominate": Entry(
        seller, lambda w: {"partner": None}, {"line_id": raw(1, "1"), "offer_code": raw("DEP", "CSO", " MD ")}
    ),
    "parameter_set": Entry(
        operator,
        nothing,
        {
            "key": raw("pay.lag_days", "cso.tier_caps", "business_day_calendar", "mws.purchase_to"),
            "value": raw("30", 7, "25000, 50000", "GB", "2024-06-30"),
            "effective_from": raw(None, "2024-01-01"),
            "program_code": raw(None, "CSO"),
            "reason": raw(""),
        },
    ),
    "outbox_retry": Entry(operator, nothing, {"ids": raw([1], ["1", 2], [])}),
    "outbox_retry_dead": Entry(operator, nothing, {}),
    "notice_mark_read": Entry(pat, nothing, {"key": raw(1, "2")}),
    "notice_mark_all_read": Entry(pat, nothing, {}),
    "api_token_create": Entry(
        pat, nothing, {"name": raw("PSA sync"), "scope": raw("read", "write"), "days": raw(None, 30)}
    ),
    "api_token_revoke": Entry(pat, nothing, {"token_id": raw(1, "2")}),
    "parameter_withdraw": Entry(
        operator,
        nothing,
        {
            "reason": raw("mistake"),
            "override_id": raw(None, 1),
            "key": raw(None, "pay.lag_days"),
            "program_code": raw(None, "MWS"),
            "effective_from": raw(None),
        },
    ),
}


def discovered_services() -> dict[str, Callable[..., Any]]:
    """Every function of an `offerdesk.*.services` module (or package) that `audited_refusals` wraps."""
    wrapper_code = audited_refusals("probe")(lambda: None).__code__
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(offerdesk.__path__, "offerdesk."):
        if ".services" not in info.name or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__code__ is wrapper_code:
                found[name] = value
    return found


SERVICES = discovered_services()


def test_the_table_covers_every_audited_service_and_every_argument() -> None:
    assert set(TABLE) == set(SERVICES)
    for name, entry in TABLE.items():
        parameters = set(inspect.signature(SERVICES[name]).parameters) - {"actor"}
        objects = {"customer", "group", "company_group", "offer", "partner", "fpm", "referral", "voucher", "request"}
        objects |= {"payment", "document", "run", "item"}
        assert parameters - objects == set(entry.raw), name


@pytest.fixture
def world(db: None) -> World:
    return build_world()


COUNTS: dict[str, int] = {}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_arbitrary_input_meets_only_domain_errors_and_writes_nothing(world: World, name: str) -> None:
    service, entry = SERVICES[name], TABLE[name]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(arguments=st.fixed_dictionaries(entry.raw))
    def attempt(arguments: dict[str, Any]) -> None:
        COUNTS[name] = COUNTS.get(name, 0) + 1
        with on(DAY), transaction.atomic():
            actor = {} if entry.actor is None else {"actor": entry.actor(world.cast)}
            kwargs = {**actor, **entry.objects(world), **arguments}
            before, last_event = snapshot(), AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
            try:
                service(**kwargs)
            except DomainError as error:
                assert error.message and "\x00" not in error.message
                assert snapshot() == before, f"{name} wrote although it refused: {error.message}"
                outcomes = set(AuditEvent.objects.filter(id__gt=last_event or 0).values_list("outcome", flat=True))
                assert outcomes <= {"refused", "denied"} and outcomes, f"{name} did not audit its refusal"
            transaction.set_rollback(True)

    attempt()
    print(f"{name}: {COUNTS[name]} examples")
    assert COUNTS[name] >= (min(EXAMPLES, 10) if entry.raw else 1)


# -------------------------------------------------------------------------- the cases the issue names


def test_a_boolean_face_value_issues_no_voucher(cast: Cast) -> None:
    # Today `True` issued a $1.00 voucher
    litware = customer(cast.operator, tpid="T-700", name="Litware")
    mws_nominate(cast, customer=litware, when="2023-09-01")
    deal(cast, customer=litware, closed="2023-10-01")
    before = snapshot()
    with on("2023-10-05"), pytest.raises(InvalidInput, match=r"face value: must be an amount .* not a boolean"):
        voucher_issue(actor=cast.operator, customer=litware, offer=offer_get(name_or_code="DEP"), face_value=True)  # type: ignore[arg-type]
    assert snapshot() == before
    assert audit_events("voucher.issue", "refused")


def test_a_fourteen_digit_sow_value_is_refused_and_the_review_queue_still_reads(cast: Cast) -> None:
    # Today 10000000000000 was stored on SQLite and then every read of the review queue crashed
    adatum = customer(cast.operator, tpid="T-600", name="Adatum")
    customer_user(adatum, "ana")
    dep = mws_voucher(cast, customer=adatum)
    before = snapshot()
    with pytest.raises(InvalidInput, match="value: has at most 12 digits before the point"):
        submit(
            actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="10000000000000"
        )
    assert snapshot() == before
    assert list(review_queue(user=cast.reviewer)) == []


def test_one_workload_string_is_not_sixteen_workloads(cast: Cast) -> None:
    # Today "Exchange Online" became 16 one-letter workloads
    adatum = customer(cast.operator, tpid="T-600", name="Adatum")
    with on("2023-10-01"), pytest.raises(InvalidInput, match="workloads: must be a list, not a str"):
        deal_record(
            actor=cast.seller,
            customer=adatum,
            value="500000",
            close_date=dt.date(2023, 10, 1),
            workloads="Microsoft 365 E3",  # type: ignore[arg-type]
        )
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "ZZ", "country: must be an ISO 3166-1 alpha-2 country code, not 'ZZ'"),
        ("contacts", ["it@contoso"], r"contacts\[0\]: must be an e-mail address"),
        ("contacts", "it@contoso.example", "contacts: must be a list, not a str"),
        ("name", "Contoso\u202e", "name: may not hold the invisible direction mark U\\+202E"),
        ("tpid", "T-\x00", "TPID: may not hold NUL"),
        ("tpid", "T" * 41, "TPID: has at most 40 characters"),
    ],
)
def test_a_customer_is_refused_by_the_field_that_is_wrong(cast: Cast, field: str, value: Any, message: str) -> None:
    arguments = {"tpid": "T-900", "name": "Contoso", "sector": "Commercial", "segment": "SMC-C", "country": "US"}
    before = snapshot()
    with on("2023-09-01"), pytest.raises(InvalidInput, match=message) as refusal:
        customer_create(actor=cast.operator, **{**arguments, field: value})
    assert refusal.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    [event] = audit_events("customer.create", "refused")
    assert "\x00" not in str(event.data)


def test_a_partner_currency_comes_from_the_iso_list(cast: Cast) -> None:
    with on("2023-09-01"), pytest.raises(InvalidInput, match="payout currency: must be an ISO 4217 currency code"):
        partner_create(actor=cast.operator, name="Litware Consulting", payout_currency="XYZ")
    assert not Partner.objects.filter(name="Litware Consulting").exists()


# ------------------------------------------------------------------------------------ every CLI command

BAD_COMMAND_LINES: dict[str, list[tuple[str, ...]]] = {
    "parameter": [
        ("set", "pay.lag_days", "1e3", "--user", "omar"),
        ("set", "cso.tier_caps", "25000, 9" + "9" * 14, "--user", "omar"),
        ("set", "pay.lag_days", "30", "--user", "omar", "--from", "2024-02-30"),
        ("withdraw", "--id", "seven", "--user", "omar", "--reason", "x"),
        ("list", "--on", "tomorrow"),
    ],
    "daily": [("--date", "not-a-date"), ("--date", "2024-13-01")],
    "db_roles": [("--app-role", "Bad\x00Role")],
    "document": [("verify",), ("sign", "x.pdf"), ("verify", "/no/such/file.pdf"), ("sweep", "--older", "1")],
    "demo": [("--no-such-option",)],
    "import": [
        ("customers", "/no/such/file.csv", "--user", "omar"),
        ("customers", str(IMPORT_SAMPLE), "--user", "nobody"),
        ("kittens", str(IMPORT_SAMPLE), "--user", "omar"),
        ("customers", str(IMPORT_SAMPLE), "--user", "omar", "--engine", "magic"),
    ],
    "screen": [("--on", "2024-13-01"), ("--offer", "Gold Offer"), ("--format", "xml"), ("--json", "--on", "soon")],
    "screen_nominate": [
        ("seven", "DEP", "--tpid", "T-1", "--user", "omar"),
        ("999", "DEP", "--tpid", "T-1", "--user", "omar"),
        ("999", "DEP", "--user", "omar"),
        ("999", "DEP", "--tpid", "T-1", "--user", "nobody"),
        ("999", "DEP", "--tpid", "T-1", "--user", "omar", "--partner", "many"),
    ],
    "worker": [("--max-tasks", "0"), ("--heartbeat", "often"), ("--dead-after", "-1")],
    "schedule": [("--interval", "soon"), ("--interval", "0")],
    "health": [("--bogus",)],
    "serve": [("--processes", "0"), ("--threads", "many"), ("--bind",)],
    "run": [("--bind",)],
    "export_audit": [
        ("--from", "2024-02-30"),
        ("--from", "2024-02-01", "--to", "2024-01-01"),
        ("--format", "xml"),
        ("--to", "\x00"),
    ],
    "outbox": [
        ("list", "--status", "lost"),
        ("list", "--limit", "1e3"),
        ("retry", "seven"),
        ("retry", "1", "--user", "x\x00"),
    ],
}


def test_the_table_names_every_command() -> None:
    commands = {
        path.stem
        for path in Path(offerdesk.__path__[0]).glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert set(BAD_COMMAND_LINES) == commands


@pytest.mark.parametrize(
    ("command", "arguments"), [(c, a) for c, lines in BAD_COMMAND_LINES.items() for a in lines], ids=repr
)
def test_bad_input_on_the_command_line_is_a_clear_command_error(
    cast: Cast, command: str, arguments: tuple[str, ...]
) -> None:
    before = snapshot()
    with on("2024-02-15"), pytest.raises(CommandError) as refusal:
        call_command(command, *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(refusal.value) and "Traceback" not in str(refusal.value)
    assert snapshot() == before
