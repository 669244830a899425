"""Reading redemption requests and their signed documents, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_request_scope, access_scoped, access_signature_scope
from offerdesk.accounts.models import User
from offerdesk.core import parsing

from .choices import RequestKind, RequestStatus
from .models import RedemptionRequest, Signature


def request_list(*, user: User) -> QuerySet[RedemptionRequest]:
    """The requests the user may see, oldest submission first: a partner only its own, whoever holds the
    voucher now."""
    return access_scoped(
        RedemptionRequest.objects.select_related("voucher__offer__program", "voucher__customer", "partner"),
        access_request_scope(user),
    )


def request_search(*, user: User, status: str = "", kind: str = "", voucher: str = "") -> QuerySet[RedemptionRequest]:
    """The requests the user may see, of a status, a kind and a voucher ID (each optional; OD-IN-01)."""
    qs = request_list(user=user)
    if status:
        qs = qs.filter(status=parsing.parse_choice(status, field="status", choices=RequestStatus.values))
    if kind:
        qs = qs.filter(kind=parsing.parse_choice(kind, field="kind", choices=RequestKind.values))
    if voucher:
        qs = qs.filter(voucher__code=parsing.parse_name(voucher, field="voucher", max_length=32).upper())
    return qs


def request_get_for(*, user: User, key: int) -> RedemptionRequest:
    """One request, if the user may see it."""
    return access_get(request_list(user=user), what="request", pk=key)


def signature_list(*, user: User) -> QuerySet[Signature]:
    """The signatures on the requests the user may see, one row per party (the documents themselves are
    the documents app's)."""
    return access_scoped(
        Signature.objects.select_related("request__partner", "request__voucher__customer").order_by(
            "request_id", "party"
        ),
        access_signature_scope(user),
    )


def signature_get_for(*, user: User, key: int) -> Signature:
    """One signature of a request, if the user may see it."""
    return access_get(signature_list(user=user), what="signature", pk=key)
