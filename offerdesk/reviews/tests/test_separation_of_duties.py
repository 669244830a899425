"""OD-SOD-01: nobody decides a request they submitted, prepared or signed, on a partner's behalf or not."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import PermissionDenied
from offerdesk.payouts.models import Payment
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import SignatureInput, redemption_submit, redemption_template_id
from offerdesk.reviews.services import review_approve, review_reject, review_request_info, review_verify_seats
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, audit_events, customer, mws_voucher, on, signatures, snapshot, staff_user, submit

DECIDING: dict[str, Callable[..., Any]] = {
    "review.approve": lambda actor, request: review_approve(actor=actor, request=request),
    "review.reject": lambda actor, request: review_reject(actor=actor, request=request, reason="Not this one"),
    "review.request_info": lambda actor, request: review_request_info(actor=actor, request=request, question="Why?"),
    "redemption.verify_seats": lambda actor, request: review_verify_seats(actor=actor, request=request, users=900),
}


@pytest.fixture
def md(cast: Cast) -> Voucher:
    """Woodgrove's $100,000 Migration & Deployment voucher, not yet bound to a partner."""
    woodgrove = customer(cast.operator, tpid="T-700", name="Woodgrove")
    return mws_voucher(
        cast,
        customer=woodgrove,
        offer="M365 Migration & Deployment Offer",
        migration=("competitor",),
        face_value="100000",
    )


def rita_submits_for_fabrikam(cast: Cast, voucher: Voucher) -> RedemptionRequest:
    """The $90,000 story: rita, a reviewer, submits Fabrikam's SOW on its behalf (services allow it)."""
    return submit(
        actor=cast.reviewer, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="90000"
    )


def test_a_reviewer_may_not_approve_the_sow_she_submitted_for_a_partner(cast: Cast, md: Voucher) -> None:
    sow = rita_submits_for_fabrikam(cast, md)
    before = snapshot()
    # When rita approves her own $90,000 SOW
    with on("2023-10-12"), pytest.raises(PermissionDenied) as refused:
        review_approve(actor=cast.reviewer, request=sow)
    # Then OD-SOD-01 refuses it, nothing is written (no $45,000.00 payment), and the attempt is audited
    assert refused.value.rules == ("OD-SOD-01",)
    assert snapshot() == before and not Payment.objects.exists()
    [denied] = audit_events("review.approve", "denied")
    assert (denied.actor, denied.data["rules"]) == (cast.reviewer, ["OD-SOD-01"])


def test_another_reviewer_may_approve_it(cast: Cast, md: Voucher) -> None:
    sow = rita_submits_for_fabrikam(cast, md)
    raul = staff_user("raul", Role.REVIEWER)
    with on("2023-10-12"):
        review_approve(actor=raul, request=sow)
    [payment] = Payment.objects.all()
    assert (payment.amount, payment.request_id) == (Decimal("45000.00"), sow.pk)


def test_with_the_parameter_off_the_same_reviewer_may_approve(cast: Cast, md: Voucher) -> None:
    sow = rita_submits_for_fabrikam(cast, md)
    with on("2023-10-11"):
        parameter_set(actor=cast.operator, key="review.separation_of_duties", value="false", reason="one-person pilot")
    with on("2023-10-12"):
        review_approve(actor=cast.reviewer, request=sow)
    assert Payment.objects.get().amount == Decimal("45000.00")


@pytest.mark.parametrize("action", sorted(DECIDING))
def test_no_deciding_service_lets_the_submitter_decide(cast: Cast, md: Voucher, action: str) -> None:
    request = rita_submits_for_fabrikam(cast, md)
    if action == "redemption.verify_seats":  # seats are verified on a POE: rita submits that too, approved by raul
        with on("2023-10-12"):
            review_approve(actor=staff_user("raul", Role.REVIEWER), request=request)
        request = submit(actor=cast.reviewer, voucher=md, partner=cast.fabrikam, kind="POE", when="2024-01-10")
    before = snapshot()
    with on("2024-01-11"), pytest.raises(PermissionDenied) as refused:
        DECIDING[action](cast.reviewer, request)
    assert refused.value.rules == ("OD-SOD-01",)
    assert snapshot() == before
    assert [e.data["rules"] for e in audit_events(action, "denied")] == [["OD-SOD-01"]]


def test_a_signer_may_not_decide_even_when_someone_else_submitted(cast: Cast, md: Voucher) -> None:
    # Given pat submits Fabrikam's SOW, signed for Fabrikam by omar, who also reviews (a superuser here)
    omar = User.objects.create_superuser(username="root", email="root@offerdesk.example", role=Role.REVIEWER)
    with on("2023-10-10"):
        sow = redemption_submit(
            actor=cast.pat,
            voucher=md,
            partner=cast.fabrikam,
            kind="SOW",
            template_id=redemption_template_id(voucher=md, kind="SOW"),
            signatures=[*signatures(["customer"]), SignatureInput(party="partner", name="Omar", user=omar)],
            value="90000",
        )
    assert sow.signatures.get(party="partner").signed_by == omar
    with on("2023-10-12"), pytest.raises(PermissionDenied, match="signed this request"):
        review_approve(actor=omar, request=sow)
    # While rita, who neither submitted nor signed, may
    with on("2023-10-12"):
        review_approve(actor=cast.reviewer, request=sow)
    assert Payment.objects.get().amount == Decimal("45000.00")
