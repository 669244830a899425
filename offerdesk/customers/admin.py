"""Customers, company groups and what is known of each customer: reference data, edited and audited."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from offerdesk.audit.admin import AuditedAdmin, AuditedTabularInline
from offerdesk.catalogue.selectors import catalogue_skus, catalogue_workloads
from offerdesk.core import parsing
from offerdesk.core.admin import ParsedModelForm

from .models import CompanyGroup, Customer, CustomerContact, PriorLicence, SeatLicence, WorkloadUsage


# The fields each form reads as the customers' services read them (OD-IN-01); the catalogue's lists are read
# when the form is checked, so a catalogue folder added later counts.
def _sku(value: Any) -> str:
    return parsing.parse_choice(value, field="SKU", choices=catalogue_skus())


def _workload(value: Any) -> str:
    return parsing.parse_choice(value, field="workload", choices=catalogue_workloads())


def _form(model: type[Any], **parsers: Any) -> type[ParsedModelForm]:
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}Form", (ParsedModelForm,), {"Meta": meta, "parsers": parsers})


CompanyGroupForm = _form(CompanyGroup, name=partial(parsing.parse_name, field="name", max_length=200))
CustomerForm = _form(
    Customer,
    tpid=partial(parsing.parse_name, field="TPID", max_length=40),
    name=partial(parsing.parse_name, field="name", max_length=200),
    country=parsing.parse_country,
)
ContactForm = _form(
    CustomerContact,
    email=partial(parsing.parse_email, field="e-mail"),
    name=partial(parsing.parse_name, field="name", max_length=200, required=False),
)
SeatLicenceForm = _form(SeatLicence, sku=_sku)
WorkloadUsageForm = _form(WorkloadUsage, workload=_workload)
PriorLicenceForm = _form(PriorLicence, sku=_sku)


@admin.register(CompanyGroup)
class CompanyGroupAdmin(AuditedAdmin):
    form = CompanyGroupForm
    list_display = ("name", "customer_count", "partner_count", "updated_at")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CompanyGroup]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                customer_total=Count("customers", distinct=True),
                partner_total=Count("partners", distinct=True),
            )
        )

    @admin.display(description="customers", ordering="customer_total")
    def customer_count(self, obj: Any) -> int:
        return obj.customer_total

    @admin.display(description="partners", ordering="partner_total")
    def partner_count(self, obj: Any) -> int:
        return obj.partner_total


class ContactInline(AuditedTabularInline):
    form = ContactForm
    model = CustomerContact
    fields = ("kind", "email", "name")


class SeatLicenceInline(AuditedTabularInline):
    form = SeatLicenceForm
    model = SeatLicence
    fields = ("sku", "paid", "in_use")


class WorkloadUsageInline(AuditedTabularInline):
    form = WorkloadUsageForm
    model = WorkloadUsage
    fields = ("workload", "mau")


class PriorLicenceInline(AuditedTabularInline):
    form = PriorLicenceForm
    model = PriorLicence
    fields = ("sku", "quantity", "as_of")


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    form = CustomerForm
    list_display = ("tpid", "name", "sector", "segment", "country", "company_group", "ecif_funded")
    list_filter = ("sector", "segment", "ecif_funded", "country")
    list_select_related = ("company_group",)
    search_fields = ("tpid", "name", "company_group__name")
    autocomplete_fields = ("company_group",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (ContactInline, SeatLicenceInline, WorkloadUsageInline, PriorLicenceInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The TPID is the customer's identity: vouchers, limits and the audit trail hang on it.
        fields = tuple(super().get_readonly_fields(request, obj))
        return ("tpid", *fields) if obj is not None else fields


class CustomerPartAdmin(AuditedAdmin):
    """A row that belongs to one customer: listed with its customer, edited with an autocomplete."""

    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(CustomerContact)
class CustomerContactAdmin(CustomerPartAdmin):
    form = ContactForm
    list_display = ("email", "name", "kind", "customer")
    list_filter = ("kind",)
    search_fields = ("email", "name", "customer__tpid", "customer__name")


@admin.register(SeatLicence)
class SeatLicenceAdmin(CustomerPartAdmin):
    form = SeatLicenceForm
    list_display = ("customer", "sku", "paid", "in_use")
    list_filter = ("sku",)
    search_fields = ("sku", "customer__tpid", "customer__name")


@admin.register(WorkloadUsage)
class WorkloadUsageAdmin(CustomerPartAdmin):
    form = WorkloadUsageForm
    list_display = ("customer", "workload", "mau")
    list_filter = ("workload",)
    search_fields = ("workload", "customer__tpid", "customer__name")


@admin.register(PriorLicence)
class PriorLicenceAdmin(CustomerPartAdmin):
    form = PriorLicenceForm
    list_display = ("customer", "sku", "quantity", "as_of")
    list_filter = ("sku", "as_of")
    search_fields = ("sku", "customer__tpid", "customer__name")
