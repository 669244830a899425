"""Row locks on documents: the voucher first, then the document, only through this helper."""

from __future__ import annotations

from offerdesk.vouchers.lock_objects import voucher_lock

from .models import Document


def document_lock(*, document: Document) -> Document:
    """Lock the document's voucher, then re-read the document: the one lock order of every redemption write."""
    voucher_lock(voucher_id=document.voucher_id)
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("voucher__offer__program", "voucher__customer", "partner")
        .get(pk=document.pk)
    )
