"""/deals through HTTP: Microsoft records a deal (by field when the input is bad), the customer reads its own,
no partner sees one."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Deal
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db
BODY = {
    "tpid": "T-600",
    "value": "500000.00",
    "close_date": "2023-10-01",
    "workloads": ["Microsoft 365 E3"],
    "closed_at": "2023-10-01T15:30:00-07:00",
}


def test_a_seller_records_a_deal_and_the_customer_reads_it(cast: Cast) -> None:
    adatum = factories.customer(cast.operator, tpid="T-600", name="Adatum")
    seller = Api(cast.seller)
    with on("2023-10-02"):
        made = seller.post("/deals/", BODY, key="deal-1")
        replay = seller.post("/deals/", BODY, key="deal-1")
    assert made.status_code == 201, made.content
    deal = made.json()
    assert deal["value"] == "500000.00" and deal["workloads"] == ["Microsoft 365 E3"] and deal["upsell_attested"]
    assert replay.content == made.content and Deal.objects.count() == 1
    cody = factories.customer_user(adatum, "cody")
    assert [d["id"] for d in Api(cody).get("/deals/").json()["items"]] == [deal["id"]]
    assert Api(cody).get(f"/deals/{deal['id']}").json()["close_date"] == "2023-10-01"
    assert seller.get("/deals/", {"tpid": "T-600"}).json()["items"][0]["id"] == deal["id"]
    assert seller.get("/deals/", {"tpid": "T-100"}).json()["items"] == []
    # No partner sees a deal's value
    assert Api(cast.pat).get("/deals/").json()["items"] == []
    assert Api(cast.pat).get(f"/deals/{deal['id']}").status_code == 404


def test_bad_deals_are_refused_by_field_and_nothing_is_recorded(cast: Cast) -> None:
    factories.customer(cast.operator, tpid="T-600", name="Adatum")
    seller = Api(cast.seller)
    negative = problem_of(seller.post("/deals/", BODY | {"value": "-1"}))
    assert negative["status"] == 400 and negative["errors"][0]["field"] == "deal value"
    a_float = problem_of(seller.post("/deals/", BODY | {"value": 500000.5}))
    assert a_float["status"] == 400 and a_float["errors"][0]["field"] == "value"
    no_workload = problem_of(seller.post("/deals/", BODY | {"workloads": []}))
    assert no_workload["errors"][0]["field"] == "workloads"
    bad_day = problem_of(seller.post("/deals/", BODY | {"close_date": "2023-02-30"}))
    assert bad_day["errors"][0]["field"] == "close date"
    naive = problem_of(seller.post("/deals/", BODY | {"closed_at": "2023-10-01T15:30:00"}))
    assert naive["errors"][0]["field"] == "close time"
    question = problem_of(seller.post("/deals/", BODY | {"policy_questions": ["why not"]}))
    assert question["errors"][0]["field"] == "policy questions"
    assert Api(cast.reviewer).post("/deals/", BODY).status_code == 403
    assert not Deal.objects.exists()


def test_a_page_of_deals_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    adatum = factories.customer(cast.operator, tpid="T-600", name="Adatum")
    factories.deal(cast, customer=adatum, closed="2023-10-01")
    seller = Api(cast.seller)
    one = queries(seller, "/deals/", {"limit": 50})
    for _ in range(49):
        factories.deal(cast, customer=adatum, closed="2023-10-01")
    assert queries(seller, "/deals/", {"limit": 50}) == one == 2
