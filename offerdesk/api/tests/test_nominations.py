"""/nominations through HTTP: Microsoft nominates (a CSO nomination maps a partner and refers it), the mapped
partner sees it, a refusal names its rules, and the customer of a declined referral is re-mapped (AMB-14)."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Nomination, Voucher
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db


def test_a_seller_nominates_for_the_cso_and_the_mapped_partner_sees_it(cast: Cast) -> None:
    factories.cso_customer(cast.operator)
    seller = Api(cast.seller)
    body = {"tpid": "T-100", "offer": "CSO", "partner": cast.fabrikam.pk}
    with on("2023-09-01"):
        made = seller.post("/nominations/", body, key="nominate-contoso")
        replay = seller.post("/nominations/", body, key="nominate-contoso")
    assert made.status_code == 201, made.content
    assert replay.content == made.content and Nomination.objects.count() == 1
    nomination = made.json()
    assert nomination["partner_name"] == "Fabrikam" and nomination["status"] == "active"
    assert nomination["referral"]["status"] == "pending" and nomination["referral"]["notified_on"] == "2023-09-01"
    assert [n["id"] for n in Api(cast.pat).get("/nominations/").json()["items"]] == [nomination["id"]]
    read = Api(cast.pat).get(f"/nominations/{nomination['id']}").json()
    assert {k: v for k, v in read.items() if k != "nominated_at"} == {
        k: v for k, v in nomination.items() if k != "nominated_at"
    }  # the same instant, written in UTC once stored
    assert Api(cast.nico).get(f"/nominations/{nomination['id']}").status_code == 404
    assert Api(cast.nico).get("/nominations/").json()["items"] == []


def test_a_refused_nomination_names_its_rules_and_bad_input_its_field(cast: Cast, cso: Voucher) -> None:
    seller = Api(cast.seller)
    again = problem_of(seller.post("/nominations/", {"tpid": "T-100", "offer": "CSO", "partner": cast.fabrikam.pk}))
    assert again["status"] == 422 and again["rules"] and {f["rule"] for f in again["findings"]} == set(again["rules"])
    bad_offer = problem_of(seller.post("/nominations/", {"tpid": "T-100", "offer": "XYZ"}))
    assert bad_offer["status"] == 400 and bad_offer["errors"][0]["field"] == "offer"
    unknown = problem_of(seller.post("/nominations/", {"tpid": "T-100", "offer": "CSO", "force": True}))
    assert unknown["errors"][0]["field"] == "force"
    assert Api(cast.pat).post("/nominations/", {"tpid": "T-100", "offer": "CSO"}).status_code == 403
    assert seller.post("/nominations/", {"tpid": "T-404", "offer": "CSO"}).status_code == 404
    assert seller.get("/nominations/", {"status": "sleeping"}).status_code == 400
    assert Nomination.objects.count() == 1


def test_the_customer_of_a_declined_referral_is_remapped_to_another_partner(cast: Cast) -> None:
    # Given Contoso nominated with Fabrikam, which declines
    customer = factories.cso_customer(cast.operator)
    first = factories.cso_nominate(cast, customer=customer, partner=cast.fabrikam)
    with on("2023-09-02"):
        declined = Api(cast.pat).post(f"/referrals/{first.referral.pk}/decline", {"reason": "no capacity"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    # When the seller re-maps it to Northwind
    with on("2023-09-03"):
        remapped = Api(cast.seller).post(f"/nominations/{first.pk}/remap", {"partner": cast.northwind.pk})
    # Then a new nomination refers Northwind, with a new intent window
    assert remapped.status_code == 201, remapped.content
    new = remapped.json()
    assert (
        new["id"] != first.pk and new["partner_name"] == "Northwind" and new["referral"]["notified_on"] == "2023-09-03"
    )
    assert Api(cast.seller).get(f"/nominations/{first.pk}").json()["status"] == "closed"
    with on("2023-09-04"):
        awaiting = Api(cast.nico).get("/referrals/", {"awaiting": "true"}).json()["items"]
    assert [r["nomination"] for r in awaiting] == [new["id"]]


def test_a_page_of_nominations_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    def nominate(n: int) -> None:
        customer = factories.cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
        factories.cso_nominate(cast, customer=customer, partner=cast.fabrikam)

    nominate(1000)
    pat = Api(cast.pat)
    one = queries(pat, "/nominations/", {"limit": 50})
    for n in range(1001, 1050):
        nominate(n)
    assert queries(pat, "/nominations/", {"limit": 50}) == one == 2
    assert len(pat.get("/nominations/", {"limit": 50}).json()["items"]) == 50
