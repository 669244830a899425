"""Reading redemption requests and their signed documents, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_document_scope, access_get, access_request_scope, access_scoped
from offerdesk.accounts.models import User

from .models import RedemptionRequest, Signature


def request_list(*, user: User) -> QuerySet[RedemptionRequest]:
    """The requests the user may see, oldest submission first: a partner only its own, whoever holds the
    voucher now."""
    return access_scoped(
        RedemptionRequest.objects.select_related("voucher__offer__program", "voucher__customer", "partner"),
        access_request_scope(user),
    )


def request_get_for(*, user: User, key: int) -> RedemptionRequest:
    """One request, if the user may see it."""
    return access_get(request_list(user=user), what="request", pk=key)


def document_list(*, user: User) -> QuerySet[Signature]:
    """The signed documents the user may see: there is no document model yet, so a document is its
    request's template and hash with one `Signature` row per party; these are the rows."""
    return access_scoped(
        Signature.objects.select_related("request__partner", "request__voucher__customer").order_by(
            "request_id", "party"
        ),
        access_document_scope(user),
    )


def document_get_for(*, user: User, key: int) -> Signature:
    """One signature of a request's document, if the user may see it."""
    return access_get(document_list(user=user), what="document signature", pk=key)
