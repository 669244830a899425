"""Document races: customer signatures fired at once seal a document once; submissions at once make one request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document, DocumentSignature
from offerdesk.documents.services import document_submit, document_verify
from offerdesk.redemptions.models import RedemptionRequest
from tests.concurrency.test_races import audited, given_fy24_voucher, race
from tests.factories import Cast, moment, prepare_document, sign_document

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16


def given_partner_signed(cast: Cast) -> tuple[Document, list[User]]:
    """Fabrikam prepared and signed Adatum's $60,000 SOW; Adatum has one user per racing thread."""
    scene, voucher = given_fy24_voucher(cast)
    document = prepare_document(
        actor=scene.partner_user, voucher=voucher, partner=scene.partner, when="2023-10-10", value="60000"
    )
    sign_document(document, actor=scene.partner_user, party="partner", when="2023-10-10")
    signers = [
        User.objects.create_user(username=f"adatum-{n}", role=Role.CUSTOMER, customer=scene.customer)
        for n in range(THREADS)
    ]
    return document, signers


def test_customer_signatures_at_once_seal_the_document_once(cast: Cast) -> None:
    document, signers = given_partner_signed(cast)
    queue = list(signers)

    def arm() -> Callable[[], Document]:
        signer, mine = queue.pop(), Document.objects.get(pk=document.pk)
        return lambda: sign_document(mine, actor=signer, party="customer", when="2023-10-11")

    outcome = race("customer signs", at=moment("2023-10-11"), arm=arm, threads=THREADS)
    sealed = outcome.one_winner()
    assert sealed.status == DocumentStatus.SEALED
    assert DocumentSignature.objects.filter(document=document, party="customer").count() == 1
    assert audited("document.sign", "done") == 2  # the partner's and the one customer's
    with sealed.sealed_file.open("rb") as handle:
        assert document_verify(data=handle.read()).intact


def test_submissions_at_once_make_one_request(cast: Cast) -> None:
    document, signers = given_partner_signed(cast)
    sign_document(document, actor=signers[0], party="customer", when="2023-10-11")
    partner_user = User.objects.get(username="fabrikam-user")

    def arm() -> Callable[[], RedemptionRequest]:
        mine = Document.objects.get(pk=document.pk)
        return lambda: document_submit(actor=partner_user, document=mine)

    outcome = race("document submit", at=moment("2023-10-12"), arm=arm, threads=THREADS)
    request = outcome.one_winner()
    assert RedemptionRequest.objects.filter(voucher=document.voucher).get() == request
    assert Document.objects.get(pk=document.pk).request == request
