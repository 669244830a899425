"""The Django admin: every page of every OfferDesk model opens; rule-guarded rows cannot be added, changed or
deleted there; reference data can be, and leaves an audit event; list pages do not grow with their rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.catalogue.models import Offer, ParameterOverride, Program
from offerdesk.catalogue.selectors import offer_get
from offerdesk.catalogue.services import parameter_set
from offerdesk.customers import services as customers
from offerdesk.customers.models import (
    CompanyGroup,
    Customer,
    CustomerContact,
    PriorLicence,
    SeatLicence,
    WorkloadUsage,
)
from offerdesk.documents.models import Document, DocumentSignature
from offerdesk.jobs.models import DailyRun, ScheduledRun, WorkerBeat
from offerdesk.jobs.services import daily_run, schedule_tick, worker_beat
from offerdesk.notifications.models import Notice, OutboxMessage, WebhookDelivery, WebhookSubscription
from offerdesk.notifications.webhooks import webhook_subscription_create
from offerdesk.partners.models import Partner
from offerdesk.payouts.models import (
    ExchangeRate,
    Payment,
    PaymentConversion,
    PaymentReversal,
    PaymentRun,
    PaymentRunItem,
    Statement,
)
from offerdesk.payouts.services import (
    exchange_rate_set,
    payment_reverse,
    payment_run_create,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)
from offerdesk.redemptions.models import RedemptionRequest, Signature
from offerdesk.redemptions.services import SignatureInput, redemption_submit, redemption_template_id
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_approve
from offerdesk.vouchers.models import Deal, Nomination, Referral, Voucher, VoucherReminder
from offerdesk.vouchers.services import deal_record, nomination_create, voucher_issue
from tests.factories import DOMAIN_APPS, Cast, on, prepare_document, sign_document

# Rows that change only through services (or never): the admin shows them and nothing more.
VIEW_ONLY: set[type[Model]] = {
    DailyRun,
    ScheduledRun,
    WorkerBeat,
    Program,
    Offer,
    ParameterOverride,
    Nomination,
    Referral,
    Deal,
    Voucher,
    VoucherReminder,
    RedemptionRequest,
    Signature,
    Document,
    DocumentSignature,
    Decision,
    Payment,
    PaymentConversion,
    PaymentRun,
    PaymentRunItem,
    PaymentReversal,
    Statement,
    OutboxMessage,
    Notice,
    WebhookSubscription,
    WebhookDelivery,
}
# Reference data: edited in the admin.
EDITABLE: set[type[Model]] = {
    CompanyGroup,
    Customer,
    CustomerContact,
    SeatLicence,
    WorkloadUsage,
    PriorLicence,
    Partner,
}
# Append-only reference data: added in the admin, then only read; a correction is a new entry (I-22).
ADD_ONLY: set[type[Model]] = {ExchangeRate}
MDO = "M365 Deployment Offer"


def label(model: type[Model]) -> str:
    return model._meta.label


def by_label(models: Iterable[type[Model]]) -> list[type[Model]]:
    return sorted(models, key=lambda m: m._meta.label)


def offerdesk_models(apps: set[str] | None = None) -> list[type[Model]]:
    """The models of OfferDesk's apps (or of some of them) that the admin shows."""
    return by_label(
        m
        for m in admin.site._registry
        if m._meta.app_config.name.startswith("offerdesk.") and (apps is None or m._meta.app_label in apps)
    )


def changelist(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


@dataclass
class Desk:
    """Who acts, and the partner redeeming vouchers."""

    cast: Cast
    partner: Partner
    partner_user: User


@pytest.fixture
def desk(cast: Cast) -> Desk:
    return Desk(cast=cast, partner=cast.fabrikam, partner_user=cast.pat)


def issued_voucher(desk: Desk, tpid: str) -> Voucher:
    """Given a customer nominated, with a qualifying deal, when a FY24 voucher is issued to it."""
    ops, seller = desk.cast.operator, desk.cast.seller
    with on("2023-09-01"):
        customer = customers.customer_create(
            actor=ops,
            tpid=tpid,
            name=f"Adatum {tpid}",
            sector="Commercial",
            segment="Enterprise",
            country="US",
            contacts=[f"it@{tpid}.example"],
            account_team=[f"account@{tpid}.example"],
        )
        offer = offer_get(name_or_code=MDO)
        nomination_create(actor=seller, customer=customer, offer=offer)
    with on("2023-10-01"):
        deal_record(
            actor=seller,
            customer=customer,
            value="$500,000.00",
            close_date=dt.date(2023, 10, 1),
            workloads=["Microsoft 365 E3"],
        )
    with on("2023-10-05"):
        return voucher_issue(actor=seller, customer=customer, offer=offer, face_value="$75,000.00")


def submitted_sow(desk: Desk, voucher: Voucher) -> RedemptionRequest:
    """The partner submits a signed SOW for the whole face value."""
    with on("2023-11-01"):
        return redemption_submit(
            actor=desk.partner_user,
            voucher=voucher,
            partner=desk.partner,
            kind="SOW",
            template_id=redemption_template_id(voucher=voucher, kind="SOW"),
            value="$75,000.00",
            signatures=[
                SignatureInput(party="customer", name="Adatum signatory", role="CIO"),
                SignatureInput(party="partner", name="Fabrikam signatory", role="Director"),
            ],
        )


@pytest.fixture
def everything(desk: Desk) -> Iterator[Desk]:
    """At least one row of every model the admin shows, made through the services."""
    ops = desk.cast.operator
    redeemed = issued_voucher(desk, "T-900")
    idle = issued_voucher(desk, "T-901")  # no request: it gets an expiry reminder
    customer = redeemed.customer
    with on("2023-09-01"):
        customers.customer_set_company_group(
            actor=ops,
            customer=customer,
            group=customers.company_group_get_or_create(actor=ops, name="Adatum Group"),
        )
        customers.customer_set_seats(actor=ops, customer=customer, sku="Office 365 E3", paid=1000, in_use=200)
        customers.customer_set_usage(actor=ops, customer=customer, usage={"Exchange Online": "20%"})
        customers.customer_set_prior_licences(actor=ops, customer=customer, sku="Microsoft 365 E3", quantity=100)
        exchange_rate_set(actor=desk.cast.finance, currency="EUR", rate="0.92", effective_from=dt.date(2023, 7, 1))
        parameter_set(actor=ops, key="mws.sla_business_days", value="3", program_code="MWS", reason="as agreed")
        cso = customers.customer_create(
            actor=ops, tpid="T-902", name="Contoso", sector="Commercial", segment="Enterprise", country="US"
        )
        customers.customer_set_seats(actor=ops, customer=cso, sku="Office 365 E3", paid=1000, in_use=200)
        customers.customer_set_usage(
            actor=ops,
            customer=cso,
            usage={
                "Exchange Online": "20%",
                "SharePoint Online": "20%",
                "Teams": "20%",
                "Microsoft 365 Apps": "20%",
            },
        )
        nomination_create(
            actor=desk.cast.seller,
            customer=cso,
            offer=offer_get(name_or_code="Customer Success Offer"),
            partner=desk.partner,
        )
    # The partner's receiver subscribed to approvals: the approval below is a delivery (to a port nobody serves)
    webhook_subscription_create(actor=desk.partner_user, url="http://127.0.0.1:9/hooks", events=["request.approved"])
    request = submitted_sow(desk, redeemed)
    # A SOW document for the idle voucher, signed by the partner
    document = prepare_document(actor=desk.partner_user, voucher=idle, partner=desk.partner, when="2023-11-01")
    sign_document(document, actor=desk.partner_user, party="partner", when="2023-11-01")
    with on("2023-11-03"):
        review_approve(actor=desk.cast.reviewer, request=request)
    with on("2023-11-30"):  # a payment run fixes its local amount, is sent and paid; then part of it is reversed
        run = payment_run_create(actor=desk.cast.finance, up_to=Payment.objects.get().payable_on)
        payment_run_mark_sent(actor=desk.cast.finance, run=run)
        payment_run_item_mark_paid(actor=desk.cast.finance, item=run.items.get())
        payment_reverse(actor=desk.cast.finance, payment=Payment.objects.get(), amount="1.00", reason="overstated")
    with on("2024-03-06"):
        daily_run(on=dt.date(2024, 3, 6))
        schedule_tick()  # the schedule's slots for the day (its daily run finds the day done)
        worker_beat(worker_id="worker-1", hostname="jobs-1", pid=4242)
    assert VoucherReminder.objects.filter(voucher=idle).exists()
    yield desk


# ------------------------------------------------------------------------------------ every page opens


def test_every_domain_model_is_in_the_admin_and_classified() -> None:
    assert set(offerdesk_models(set(DOMAIN_APPS))) == VIEW_ONLY | EDITABLE | ADD_ONLY


@pytest.mark.parametrize("model", offerdesk_models(), ids=label)
def test_changelist_search_and_change_page_open(admin_client: Any, everything: Desk, model: type[Model]) -> None:
    obj = model._default_manager.first()
    assert obj is not None, f"the fixture made no {model._meta.label}"

    assert admin_client.get(changelist(model)).status_code == 200
    assert admin_client.get(changelist(model), {"q": "T-900"}).status_code == 200  # search_fields are valid
    response = admin_client.get(change(obj))
    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()


def test_customer_page_shows_its_contacts_seats_usage_and_prior_licences(admin_client: Any, everything: Desk) -> None:
    customer = Customer.objects.get(tpid="T-900")
    page = admin_client.get(change(customer)).content.decode()
    for text in ("it@T-900.example", "Office 365 E3", "Exchange Online", "Microsoft 365 E3"):
        assert text in page


def test_voucher_page_shows_its_requests_and_payments(admin_client: Any, everything: Desk) -> None:
    voucher = Voucher.objects.get(customer__tpid="T-900")
    payment = Payment.objects.get(voucher=voucher)
    page = admin_client.get(change(voucher)).content.decode()
    assert change(voucher.requests.get()) in page
    assert change(payment) in page


def test_request_page_shows_its_signatures_and_decisions(admin_client: Any, everything: Desk) -> None:
    request = RedemptionRequest.objects.get()
    page = admin_client.get(change(request)).content.decode()
    assert "Fabrikam signatory" in page and "Adatum signatory" in page
    assert change(Decision.objects.get(request=request)) in page


# ------------------------------------------------------------------------ no back door round the rules


@pytest.mark.parametrize("model", by_label(VIEW_ONLY | ADD_ONLY), ids=label)
def test_rule_guarded_rows_cannot_be_changed_or_deleted_nor_added_unless_append_only_reference_data(
    admin_client: Any, everything: Desk, model: type[Model], rf: Any
) -> None:
    model_admin = admin.site._registry[model]
    obj = model._default_manager.first()
    assert obj is not None
    request = rf.get("/")
    request.user = User.objects.get(username="admin")
    assert model_admin.has_add_permission(request) == (model in ADD_ONLY)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)

    before = list(model._default_manager.order_by("pk").values_list())
    assert admin_client.get(add(model)).status_code == (200 if model in ADD_ONLY else 403)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert admin_client.post(change(obj), {"status": "completed"}).status_code == 403
    assert list(model._default_manager.order_by("pk").values_list()) == before


def test_a_view_only_page_shows_every_field_read_only(admin_client: Any, everything: Desk) -> None:
    voucher = Voucher.objects.get(customer__tpid="T-900")
    response = admin_client.get(change(voucher))
    assert response.context["adminform"].form.fields == {}
    page = response.content.decode()
    assert voucher.code in page and "75000.00" in page


def test_parameter_override_shows_who_set_what_from_when_and_why(admin_client: Any, everything: Desk) -> None:
    override = ParameterOverride.objects.get(key="mws.sla_business_days")
    page = admin_client.get(change(override)).content.decode()
    for text in ("mws.sla_business_days", "omar", "as agreed", escape(str(override.program))):
        assert text in page
    listing = admin_client.get(changelist(ParameterOverride)).content.decode()
    assert "as agreed" in listing


# ---------------------------------------------------------------------------- reference data is edited


@pytest.mark.parametrize("model", by_label(EDITABLE | ADD_ONLY), ids=label)
def test_reference_data_add_page_opens(admin_client: Any, everything: Desk, model: type[Model]) -> None:
    assert admin_client.get(add(model)).status_code == 200


def test_editing_a_partner_is_audited(admin_client: Any, everything: Desk) -> None:
    partner = everything.partner
    response = admin_client.post(
        change(partner),
        {
            "name": partner.name,
            "frp_status": "suspended",
            "company_group": "",
            "country": partner.country,
            "primary_contact": partner.primary_contact,
            "program_manager": partner.program_manager,
            "payout_currency": "EUR",
            "payment_profile": "PC-42",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner.refresh_from_db()
    assert (partner.frp_status, partner.payout_currency) == ("suspended", "EUR")
    event = AuditEvent.objects.get(action="partner.admin_change")
    assert (event.actor_label, event.source, event.object_id) == ("admin", "admin", str(partner.pk))
    assert set(event.data["fields"]) == {"frp_status", "payout_currency", "payment_profile"}


def test_a_customer_keeps_its_tpid_and_its_constraints_hold(admin_client: Any, everything: Desk) -> None:
    customer = Customer.objects.get(tpid="T-900")
    form = admin_client.get(change(customer)).context["adminform"].form
    assert "tpid" not in form.fields

    data = {
        "name": "Adatum Corporation",
        "sector": customer.sector,
        "segment": customer.segment,
        "country": "usa",
        "company_group": customer.company_group_id,
        "ecif_funded": "on",
    }
    for inline in ("contacts", "seats", "usage", "prior_licences"):  # the inlines, left as they are
        data |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    response = admin_client.post(change(customer), data)
    assert response.status_code == 200  # refused: not a two-letter country
    customer.refresh_from_db()
    assert customer.country == "US"

    response = admin_client.post(change(customer), data | {"country": "GB"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.tpid, customer.name, customer.country, customer.ecif_funded) == (
        "T-900",
        "Adatum Corporation",
        "GB",
        True,
    )
    assert AuditEvent.objects.filter(action="customer.admin_change", object_id=str(customer.pk)).exists()


def test_seats_in_use_cannot_exceed_paid_seats(admin_client: Any, everything: Desk) -> None:
    seats = SeatLicence.objects.get(customer__tpid="T-900")
    response = admin_client.post(
        change(seats), {"customer": seats.customer_id, "sku": seats.sku, "paid": "10", "in_use": "11"}
    )
    assert response.status_code == 200
    seats.refresh_from_db()
    assert (seats.paid, seats.in_use) == (1000, 200)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("payout_currency", "XYZ", "payout currency: must be an ISO 4217 currency code, not 'XYZ'"),
        ("name", "Fabrikam\u202e", "name: may not hold the invisible direction mark U+202E"),
        (
            "program_manager",
            "fran@fabrikam\u200b.example",
            "program manager: may not hold the invisible character U+200B",
        ),
    ],
)
def test_the_admin_reads_a_partner_as_its_service_does(
    admin_client: Any, everything: Desk, field: str, value: str, message: str
) -> None:
    # The admin's own checks let an invented currency or an invisible direction mark through (OD-IN-01)
    partner = everything.partner
    before = Partner.objects.filter(pk=partner.pk).values().get()
    data = {
        "name": partner.name,
        "frp_status": partner.frp_status,
        "company_group": "",
        "primary_contact": partner.primary_contact,
        "program_manager": partner.program_manager,
        "payout_currency": partner.payout_currency,
        "payment_profile": partner.payment_profile,
    }
    response = admin_client.post(change(partner), data | {field: value})
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors[field]
    assert error == f"{message} (OD-IN-01)"
    assert Partner.objects.filter(pk=partner.pk).values().get() == before


@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (WorkloadUsage, {"workload": "Fax", "mau": "0.5"}, "workload", "workload: must be one of"),
        (SeatLicence, {"sku": "NOT-A-SKU", "paid": "10", "in_use": "1"}, "sku", "SKU: must be one of"),
        (
            CustomerContact,
            {"kind": "contact", "email": "it@contoso.example", "name": "IT\u202e"},
            "name",
            "name: may not hold the invisible direction mark",
        ),
    ],
    ids=["workload", "sku", "contact"],
)
def test_the_admin_takes_workloads_and_skus_only_from_the_catalogue(
    admin_client: Any, everything: Desk, model: type[Model], data: dict[str, str], field: str, message: str
) -> None:
    customer = Customer.objects.get(tpid="T-900")
    rows = model._default_manager.count()
    response = admin_client.post(add(model), {"customer": customer.pk, **data})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field][0].startswith(message)
    assert model._default_manager.count() == rows


def test_adding_an_exchange_rate_stamps_it_and_checks_it(admin_client: Any, everything: Desk) -> None:
    refused = admin_client.post(add(ExchangeRate), {"currency": "gbp", "rate": "0", "effective_from": "2023-07-01"})
    assert refused.status_code == 200
    assert not ExchangeRate.objects.filter(currency="GBP").exists()

    response = admin_client.post(add(ExchangeRate), {"currency": "gbp", "rate": "0.79", "effective_from": "2023-07-01"})
    assert response.status_code == 302
    rate = ExchangeRate.objects.get(currency="GBP")
    assert rate.created_at is not None
    assert AuditEvent.objects.filter(action="exchangerate.admin_add", object_id=str(rate.pk)).exists()


# --------------------------------------------------------------------------------- pinned query counts

VOUCHER_CHANGELIST_QUERIES = 9
REQUEST_CHANGELIST_QUERIES = 8


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("model", "pinned"),
    [(Voucher, VOUCHER_CHANGELIST_QUERIES), (RedemptionRequest, REQUEST_CHANGELIST_QUERIES)],
    ids=["voucher", "request"],
)
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client: Any, desk: Desk, model: type[Model], pinned: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        submitted_sow(desk, issued_voucher(desk, f"T-{n:03}"))
    with django_assert_max_num_queries(pinned):
        assert admin_client.get(changelist(model)).status_code == 200
    with_five = queries_for(admin_client, changelist(model))

    for n in range(5, 15):
        submitted_sow(desk, issued_voucher(desk, f"T-{n:03}"))
    assert model._default_manager.count() == 15
    with django_assert_max_num_queries(with_five):
        response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 15
