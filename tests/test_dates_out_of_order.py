"""Dates out of order are refused with a clear message, and nothing is written."""

from __future__ import annotations

import pytest

from offerdesk.core.errors import InvalidInput
from offerdesk.vouchers.models import Referral

from .factories import (
    Cast,
    approve,
    audit_events,
    cso_customer,
    cso_nominate,
    customer,
    mws_voucher,
    on,
    snapshot,
    submit,
)


def test_a_request_dated_before_its_voucher_was_issued_is_refused(cast: Cast) -> None:
    # Given a voucher issued on 2023-10-05
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-1", name="Adatum"), issued="2023-10-05")
    before = snapshot()
    # When a SOW is submitted with the clock on 2023-10-04
    with pytest.raises(InvalidInput, match="dates out of order"):
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-04")
    # Then nothing changed, and the attempt is on the audit trail
    assert snapshot() == before
    assert len(audit_events("redemption.submit", "refused")) == 1


def test_a_decision_dated_before_the_submission_is_refused(cast: Cast) -> None:
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-2", name="Adatum"))
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    before = snapshot()
    with pytest.raises(InvalidInput, match="dates out of order"):
        approve(cast, sow, when="2023-10-09")
    assert snapshot() == before


def test_a_referral_cannot_be_accepted_before_it_was_notified(cast: Cast) -> None:
    from offerdesk.vouchers.services import referral_accept

    nomination = cso_nominate(cast, customer=cso_customer(cast.operator), partner=cast.fabrikam, when="2023-09-05")
    before = snapshot()
    with on("2023-09-04"), pytest.raises(InvalidInput, match="dates out of order"):
        referral_accept(actor=cast.pat, referral=Referral.objects.get(nomination=nomination))
    assert snapshot() == before
