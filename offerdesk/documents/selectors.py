"""Reading SOW and POE documents within the reader's scope: the partner its own, a customer's users those
of its vouchers, staff all (ADR 10); outside it a document is not found."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_document_scope, access_get, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import parsing
from offerdesk.redemptions.choices import RequestKind

from .choices import DocumentStatus
from .models import Document


def document_list(*, user: User) -> QuerySet[Document]:
    """The documents the user may see, newest first."""
    return access_scoped(
        Document.objects.select_related("voucher__offer__program", "voucher__customer", "partner", "request"),
        access_document_scope(user),
    ).order_by("-created_at", "-id")


def document_search(*, user: User, status: str = "", kind: str = "", voucher: str = "") -> QuerySet[Document]:
    """The documents the user may see, of a status, a kind and a voucher ID (each optional; OD-IN-01)."""
    qs = document_list(user=user)
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=DocumentStatus.values))
    if kind:
        qs = qs.filter(kind=parsing.parse_choice(kind, field="kind", choices=RequestKind.values))
    if voucher:
        qs = qs.filter(voucher__code=parsing.parse_name(voucher, field="voucher", max_length=32).upper())
    return qs


def document_get_for(*, user: User, key: str) -> Document:
    """One document by its key, with its signatures, if the user may see it."""
    return access_get(document_list(user=user).prefetch_related("signatures__signed_by"), what="document", key=key)


def document_file(*, user: User, key: str) -> tuple[str, bytes]:
    """A download: the file name and the bytes of the document as it stands (the sealed PDF once sealed;
    else the PDF the signers are shown, or the file uploaded)."""
    document = access_get(document_list(user=user), what="document", key=key)
    field = document.sealed_file if document.is_sealed else document.file
    with field.open("rb") as handle:
        data = handle.read()
    suffix = "-sealed" if document.is_sealed else ""
    return f"{document.kind}-{document.voucher.code}-{document.key}{suffix}.pdf", data
