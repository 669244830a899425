"""/payments through HTTP: a partner's own ledger and what it is owed and was paid; staff's whole ledger; another
partner finds none of it; a page costs the same queries with one payment and with fifty."""

from __future__ import annotations

import pytest

from tests.factories import Cast

from .client import Api, problem_of
from .money import payments, queries

pytestmark = pytest.mark.django_db


def test_a_partner_reads_its_payments_and_what_it_is_owed(cast: Cast) -> None:
    [payment] = payments(cast, 1)
    pat = Api(cast.pat)
    [listed] = pat.get("/payments/").json()["items"]
    assert (listed["id"], listed["amount"], listed["payable_on"], listed["kind"]) == (
        payment.pk,
        "9000.00",
        "2024-03-16",
        "single",
    )
    assert listed["fixed_rate"] is None and listed["fixed_local_amount"] is None  # no run has fixed it yet
    assert pat.get(f"/payments/{payment.pk}").json()["voucher"] == payment.voucher.code
    [fabrikam] = pat.get("/payments/by-partner").json()
    assert (fabrikam["partner_name"], fabrikam["owed"]["usd"], fabrikam["paid"]["usd"]) == (
        "Fabrikam",
        "9000.00",
        "0.00",
    )
    [line] = fabrikam["vouchers"][0]["lines"]
    assert (line["rate"], line["local_amount"], line["local_status"], line["paid"]) == (
        "1",
        "9000.00",
        "estimated",
        False,
    )
    assert Api(cast.finance).get("/payments/", {"partner": cast.fabrikam.pk}).json()["items"][0]["id"] == payment.pk


def test_another_partner_a_customer_and_a_seller_find_none(cast: Cast) -> None:
    [payment] = payments(cast, 1)
    for user in (cast.nico, cast.felix, cast.seller):
        caller = Api(user)
        assert caller.get("/payments/").json()["items"] == [] and caller.get("/payments/by-partner").json() == []
        assert problem_of(caller.get(f"/payments/{payment.pk}"))["status"] == 404
    assert problem_of(Api(cast.pat).get("/payments/", {"ordering": "amount"}))["errors"][0]["field"] == "ordering"


def test_a_page_costs_the_same_queries_with_one_payment_and_with_fifty(cast: Cast) -> None:
    payments(cast, 1)
    pat = Api(cast.pat)
    one = queries(pat, "/payments/", {"limit": 50}), queries(pat, "/payments/by-partner")
    payments(cast, 49, first=2)
    assert len(pat.get("/payments/", {"limit": 50}).json()["items"]) == 50
    assert (
        (queries(pat, "/payments/", {"limit": 50}), queries(pat, "/payments/by-partner")) == one == (2, 2)
    )  # the token, the page (by partner: its payments; rates only for other currencies)
