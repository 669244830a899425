"""What the review desk's tests stand on: a SOW or POE submitted the way partners do it, through a document
prepared in OfferDesk and signed by both parties."""

from __future__ import annotations

from typing import Any

from offerdesk.accounts.models import User
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_submit
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, customer_user, on, prepare_document, sign_document

from .signing import customer_signs


def customer_signer(voucher: Voucher, username: str = "carla") -> User:
    """The voucher's customer's user who signs (made once)."""
    return User.objects.filter(username=username).first() or customer_user(voucher.customer, username)


def submitted_document(
    cast: Cast,
    voucher: Voucher,
    *,
    kind: str = "SOW",
    when: str = "2023-10-02",
    preparer: User | None = None,
    **figures: Any,
) -> RedemptionRequest:
    """Pat (or `preparer`) prepares the program's template for Fabrikam, signs it, the customer signs it, and pat
    submits it, all on `when`: the request with its sealed document."""
    preparer = preparer or cast.pat
    if kind == "SOW" and not figures:
        figures = {"value": "15000.00"}
    document = prepare_document(actor=preparer, voucher=voucher, partner=cast.fabrikam, kind=kind, when=when, **figures)
    sign_document(document, actor=cast.pat, party="partner", when=when, name="Pat Fabrikam")
    with on(when, "14:30"):
        customer_signs(document, customer_signer(voucher))  # sealing: in a thread of its own under a browser test
    with on(when, "15:00"):
        return document_submit(actor=cast.pat, document=Document.objects.get(pk=document.pk))
