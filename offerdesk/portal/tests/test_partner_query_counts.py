"""Every list and detail page of the partner portal costs the same number of queries with 1 row as with 50
(pinned: a change in either number is a decision, not an accident)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.documents.services import document_prepare
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.services import review_provide_info, review_request_info
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, cso_customer, cso_nominate, customer, mws_voucher, on, submit

# What every signed-in page costs besides its own rows: the session and its user (the idle expiry is pushed
# back at most once a minute, so a page view writes nothing), and the navigation's count of unread notices.
SESSION = 2
NAVIGATION = 1
EVERY_PAGE = SESSION + NAVIGATION
PINNED = {
    "referrals": EVERY_PAGE + 1,
    "vouchers": EVERY_PAGE + 3,
    "voucher": EVERY_PAGE + 4,
    "redeem": EVERY_PAGE + 1,
    "redemptions": EVERY_PAGE + 2,
    "redemption": EVERY_PAGE + 2,
    "payments": EVERY_PAGE + 1,  # USD: no exchange rates to read
    "document": EVERY_PAGE + 2,
}


def _referrals(cast: Cast, rows: int) -> str:
    for n in range(rows):
        cso_nominate(
            cast, customer=cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"), partner=cast.fabrikam
        )
    return reverse("portal:partner-referrals")


def _paid_vouchers(cast: Cast, rows: int) -> list[Voucher]:
    vouchers = []
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approved_sow(
            cast, voucher=voucher, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12", value="50000"
        )
        vouchers.append(voucher)
    return vouchers


def _questioned(cast: Cast, steps: int) -> RedemptionRequest:
    """One SOW with `steps` review steps (questions and answers, taking turns)."""
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-1", name="Adatum"))
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="50000")
    with on("2023-10-11"):
        for n in range(steps):
            if n % 2 == 0:
                review_request_info(actor=cast.reviewer, request=sow, question=f"Question {n}")
            else:
                review_provide_info(actor=cast.pat, request=sow, note=f"Answer {n}")
    return sow


PAGES: dict[str, Callable[[Cast, int], str]] = {
    "referrals": _referrals,
    "vouchers": lambda cast, rows: (_paid_vouchers(cast, rows), reverse("portal:partner-vouchers"))[1],
    "voucher": lambda cast, rows: reverse("portal:partner-voucher", args=[_questioned(cast, rows).voucher.code]),
    "redeem": lambda cast, rows: (_paid_vouchers(cast, rows), reverse("portal:partner-redeem"))[1],
    "redemptions": lambda cast, rows: (_paid_vouchers(cast, rows), reverse("portal:partner-redemptions"))[1],
    "redemption": lambda cast, rows: reverse("portal:partner-redemption", args=[_questioned(cast, rows).pk]),
    "payments": lambda cast, rows: (_paid_vouchers(cast, rows), reverse("portal:partner-payments"))[1],
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_costs_the_same_queries_with_1_or_50_rows(
    cast: Cast, page: str, rows: int, django_assert_num_queries: Any
) -> None:
    assert_page_costs(PAGES[page](cast, rows), user=cast.pat, queries=PINNED[page], check=django_assert_num_queries)


def assert_page_costs(url: str, *, user: User, queries: int, check: Any, day: str = "2023-10-12") -> None:
    """The page answers the signed-in user with 200 in exactly `queries` queries."""
    client = Client()
    client.force_login(user)
    with on(day), check(queries):
        answer = client.get(url)
    assert answer.status_code == 200


def test_the_document_page_costs_its_pinned_queries(cast: Cast, dep: Voucher, django_assert_num_queries: Any) -> None:
    with on("2023-10-06"):
        document = document_prepare(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", value="75000")
    client = Client()
    client.force_login(cast.pat)
    with on("2023-10-06"), django_assert_num_queries(PINNED["document"]):
        answer = client.get(reverse("portal:partner-document", args=[document.key]))
    assert answer.status_code == 200
