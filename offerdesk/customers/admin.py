"""Customers, company groups and what is known of each customer: reference data, edited and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from offerdesk.audit.admin import AuditedAdmin, AuditedTabularInline

from .models import CompanyGroup, Customer, CustomerContact, PriorLicence, SeatLicence, WorkloadUsage


@admin.register(CompanyGroup)
class CompanyGroupAdmin(AuditedAdmin):
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
    model = CustomerContact
    fields = ("kind", "email", "name")


class SeatLicenceInline(AuditedTabularInline):
    model = SeatLicence
    fields = ("sku", "paid", "in_use")


class WorkloadUsageInline(AuditedTabularInline):
    model = WorkloadUsage
    fields = ("workload", "mau")


class PriorLicenceInline(AuditedTabularInline):
    model = PriorLicence
    fields = ("sku", "quantity", "as_of")


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
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
    list_display = ("email", "name", "kind", "customer")
    list_filter = ("kind",)
    search_fields = ("email", "name", "customer__tpid", "customer__name")


@admin.register(SeatLicence)
class SeatLicenceAdmin(CustomerPartAdmin):
    list_display = ("customer", "sku", "paid", "in_use")
    list_filter = ("sku",)
    search_fields = ("sku", "customer__tpid", "customer__name")


@admin.register(WorkloadUsage)
class WorkloadUsageAdmin(CustomerPartAdmin):
    list_display = ("customer", "workload", "mau")
    list_filter = ("workload",)
    search_fields = ("workload", "customer__tpid", "customer__name")


@admin.register(PriorLicence)
class PriorLicenceAdmin(CustomerPartAdmin):
    list_display = ("customer", "sku", "quantity", "as_of")
    list_filter = ("sku", "as_of")
    search_fields = ("sku", "customer__tpid", "customer__name")
