"""The payments ledger and fixed local amounts (view-only: appended to by services, never changed) and
exchange rates (kept by finance: added here and audited, never changed or deleted, I-22)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from offerdesk.audit.admin import AuditedAdmin
from offerdesk.core import dates
from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline, admin_add_inlines
from offerdesk.core.errors import InvalidInput
from offerdesk.redemptions.admin import RedemptionRequestAdmin
from offerdesk.vouchers.admin import VoucherAdmin

from .models import (
    ExchangeRate,
    Payment,
    PaymentConversion,
    PaymentReversal,
    PaymentRun,
    PaymentRunItem,
    Statement,
)
from .services import exchange_rate_parse


@admin.register(Payment)
class PaymentAdmin(ViewOnlyAdmin):
    list_display = (
        "id",
        "partner",
        "voucher",
        "request",
        "kind",
        "amount",
        "currency",
        "payable_on",
        "created_at",
    )
    list_filter = ("kind", "currency", "payable_on")
    list_select_related = ("partner", "voucher", "request")
    search_fields = ("partner__name", "voucher__code", "voucher__customer__tpid")
    date_hierarchy = "payable_on"


class PaymentInline(ViewOnlyTabularInline):
    model = Payment
    fields = ("kind", "request", "partner", "amount", "currency", "payable_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).select_related("request", "partner")


class RequestPaymentInline(ViewOnlyTabularInline):
    model = Payment
    fields = ("kind", "partner", "amount", "currency", "payable_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).select_related("partner")


admin_add_inlines(VoucherAdmin, PaymentInline)
admin_add_inlines(RedemptionRequestAdmin, RequestPaymentInline)


class ExchangeRateForm(forms.ModelForm):
    """The same checks as `exchange_rate_set` (`exchange_rate_parse`): a real ISO 4217 code, a rate above zero
    to six decimals, a date from 2000 to 2100."""

    class Meta:
        model = ExchangeRate
        fields = ("currency", "rate", "effective_from")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # a field Django could not read already says so
            return cleaned
        try:
            cleaned["currency"], cleaned["rate"], cleaned["effective_from"] = exchange_rate_parse(
                currency=cleaned.get("currency"), rate=cleaned.get("rate"), effective_from=cleaned.get("effective_from")
            )
        except InvalidInput as refused:
            raise forms.ValidationError(refused.message) from None
        return cleaned


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedAdmin):
    form = ExchangeRateForm
    list_display = ("currency", "rate", "effective_from", "created_at")
    list_filter = ("currency",)
    search_fields = ("currency",)
    date_hierarchy = "effective_from"
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a correction is a new entry (I-22): rates are added, and then only read

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.created_at = dates.now()
        super().save_model(request, obj, form, change)


@admin.register(PaymentConversion)
class PaymentConversionAdmin(ViewOnlyAdmin):
    list_display = ("payment", "currency", "rate", "local_amount", "fixed_at", "fixed_by")
    list_filter = ("currency",)
    list_select_related = ("payment", "fixed_by")
    search_fields = ("payment__partner__name", "payment__voucher__code", "payment__voucher__customer__tpid")
    date_hierarchy = "fixed_at"


class PaymentRunItemInline(ViewOnlyTabularInline):
    model = PaymentRunItem
    fields = ("payment", "amount", "currency", "rate", "local_amount", "status", "settled_at", "settled_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentRunItem]:
        return super().get_queryset(request).select_related("payment", "settled_by")


@admin.register(PaymentRun)
class PaymentRunAdmin(ViewOnlyAdmin):
    """Runs change only through their services (the portal's finance pages), audited; here they are read."""

    list_display = ("id", "up_to", "status", "created_by", "created_at", "sent_at", "closed_at")
    list_filter = ("status",)
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"
    inlines = (PaymentRunItemInline,)


@admin.register(PaymentRunItem)
class PaymentRunItemAdmin(ViewOnlyAdmin):
    list_display = ("id", "run", "payment", "amount", "currency", "local_amount", "status", "settled_at")
    list_filter = ("status", "currency")
    list_select_related = ("run", "payment")
    search_fields = ("payment__partner__name", "payment__voucher__code")


@admin.register(PaymentReversal)
class PaymentReversalAdmin(ViewOnlyAdmin):
    list_display = ("id", "payment", "partner", "amount", "currency", "local_amount", "reason", "created_at")
    list_filter = ("currency",)
    list_select_related = ("payment", "partner")
    search_fields = ("partner__name", "payment__voucher__code", "reason")
    date_hierarchy = "created_at"


@admin.register(Statement)
class StatementAdmin(ViewOnlyAdmin):
    list_display = ("partner", "month", "published_at", "emailed_to")
    list_select_related = ("partner",)
    search_fields = ("partner__name",)
    date_hierarchy = "month"
