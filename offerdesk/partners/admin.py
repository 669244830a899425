"""FastTrack Ready Partners: reference data, edited here and audited."""

from __future__ import annotations

from functools import partial

from django.contrib import admin

from offerdesk.audit.admin import AuditedAdmin
from offerdesk.core import parsing
from offerdesk.core.admin import ParsedModelForm

from .models import Partner


class PartnerForm(ParsedModelForm):
    """A partner's fields, read as `partner_create` reads them."""

    parsers = {
        "name": partial(parsing.parse_name, field="name", max_length=200),
        "primary_contact": partial(parsing.parse_optional_email, field="primary contact"),
        "program_manager": partial(parsing.parse_optional_email, field="program manager"),
        "country": partial(parsing.parse_optional_country, field="country"),
        "payout_currency": partial(parsing.parse_currency, field="payout currency"),
        "payment_profile": partial(parsing.parse_name, field="payment profile", max_length=80, required=False),
    }

    class Meta:
        model = Partner
        fields = "__all__"


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    form = PartnerForm
    list_display = (
        "name",
        "frp_status",
        "company_group",
        "country",
        "payout_currency",
        "primary_contact",
        "program_manager",
    )
    list_filter = ("frp_status", "country", "payout_currency")
    list_select_related = ("company_group",)
    search_fields = ("name", "primary_contact", "program_manager", "payment_profile")
    autocomplete_fields = ("company_group",)
    readonly_fields = ("created_at", "updated_at")
