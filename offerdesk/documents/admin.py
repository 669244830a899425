"""Documents and their signatures: view-only; documents move only through their services."""

from __future__ import annotations

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline

from .models import Document, DocumentSignature


class DocumentSignatureInline(ViewOnlyTabularInline):
    model = DocumentSignature
    fields = ("party", "method", "name", "title", "signed_by", "signed_at", "ip_address", "shown_sha256")


@admin.register(Document)
class DocumentAdmin(ViewOnlyAdmin):
    list_display = ("key", "kind", "voucher", "partner", "origin", "status", "template_id", "created_at")
    list_filter = ("status", "kind", "origin", "template_id")
    list_select_related = ("voucher", "partner")
    search_fields = ("key", "voucher__code", "voucher__customer__tpid", "partner__name", "sha256", "sealed_sha256")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("key", "kind", "origin", "status", "voucher", "partner", "request", "prepared_by")}),
        ("Template", {"fields": ("template_id", "template_version")}),
        ("Figures", {"fields": ("value", "users_deployed", "workload_users")}),
        ("Files", {"fields": ("file", "sha256", "sealed_file", "sealed_sha256", "sealed_at", "signature_check")}),
        ("Declined", {"fields": ("declined_reason", "declined_by", "declined_at")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (DocumentSignatureInline,)


@admin.register(DocumentSignature)
class DocumentSignatureAdmin(ViewOnlyAdmin):
    list_display = ("document", "party", "method", "name", "title", "signed_at")
    list_filter = ("party", "method")
    list_select_related = ("document",)
    search_fields = ("name", "title", "document__key", "document__voucher__code", "shown_sha256")
    date_hierarchy = "signed_at"
