"""/customers through HTTP: each caller's scope, a customer's licences and usage, and the eligibility quote — what
`offers_quote` says of every offer, with the failing rule IDs and reasons — for Microsoft's staff only."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import offers_quote
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db


def test_each_caller_lists_the_customers_of_its_scope_and_filters_them(cast: Cast, cso: Voucher) -> None:
    # Given Contoso (Fabrikam's CSO voucher) and Adatum, a Public Sector customer of no partner
    factories.customer(cast.operator, tpid="T-600", name="Adatum", sector="Public Sector", country="DE")
    # When staff, Fabrikam's user and Northwind's list them
    seller = Api(cast.seller)
    everyone = seller.get("/customers/").json()["items"]
    # Then staff see both by name, Fabrikam only Contoso, Northwind none
    assert [c["tpid"] for c in everyone] == ["T-600", "T-100"]
    assert [c["tpid"] for c in Api(cast.pat).get("/customers/").json()["items"]] == ["T-100"]
    assert Api(cast.nico).get("/customers/").json()["items"] == []
    assert [c["name"] for c in seller.get("/customers/", {"q": "cont"}).json()["items"]] == ["Contoso"]
    assert [c["tpid"] for c in seller.get("/customers/", {"sector": "Public Sector"}).json()["items"]] == ["T-600"]
    assert [c["tpid"] for c in seller.get("/customers/", {"country": "DE", "ordering": "-tpid"}).json()["items"]] == [
        "T-600"
    ]
    # And a sector not on the list is bad input, by field
    bad = problem_of(seller.get("/customers/", {"sector": "Pirates"}))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "sector" and bad["rules"] == ["OD-IN-01"]


def test_one_customer_with_its_licences_and_usage_and_another_tenants_is_not_found(cast: Cast, cso: Voucher) -> None:
    found = Api(cast.pat).get("/customers/T-100")
    assert found.status_code == 200
    body = found.json()
    assert body["name"] == "Contoso" and body["segment"] == "Enterprise" and body["company_group"] is None
    assert body["seats"] == [{"sku": "Office 365 E3", "paid": 2000, "in_use": 500}]
    assert body["usage"] and all(isinstance(u["mau"], str) for u in body["usage"])  # exact, never a float
    missing = Api(cast.nico).get("/customers/T-100")
    assert missing.status_code == 404 and problem_of(missing)["type"] == "urn:offerdesk:problem:not_found"


def test_the_eligibility_quote_is_what_offers_quote_says_with_the_failing_rules(cast: Cast, cso: Voucher) -> None:
    # Given Contoso, which holds a CSO voucher, and a fresh CSO customer Microsoft has not nominated
    fresh = factories.cso_customer(cast.operator, tpid="T-700", name="Tailspin")
    # When an auditor asks what each would get on 2023-10-06
    auditor = Api(cast.auditor)
    with on("2023-10-06"):
        answered = {
            t: auditor.get(f"/customers/{t}/eligibility", {"on": "2023-10-06"}).json() for t in ("T-100", "T-700")
        }
        expected = {c.tpid: offers_quote(customer=c) for c in (cso.customer, fresh)}
    # Then every offer is there, as the rules say, with every failing rule's ID and reason
    for tpid, body in answered.items():
        assert body["on"] == "2023-10-06"
        quotes = expected[tpid]
        assert [o["offer_name"] for o in body["offers"]] == list(quotes)
        for offer in body["offers"]:
            quote = quotes[offer["offer_name"]]
            assert offer["eligible"] == quote.eligible
            assert offer["cap"] == (f"{quote.cap:.2f}" if quote.cap is not None else None)
            assert [f["rule"] for f in offer["failing"]] == [f.rule for f in quote.failures]
            assert all(f["reason"] for f in offer["failing"])
    contoso_cso = next(o for o in answered["T-100"]["offers"] if o["offer"] == "CSO")
    assert not contoso_cso["eligible"] and contoso_cso["failing"] and contoso_cso["cap"] is None


def test_the_quote_is_microsofts_staffs_and_a_bad_day_is_refused_by_field(cast: Cast, cso: Voucher) -> None:
    refused = Api(cast.pat).get("/customers/T-100/eligibility")
    assert refused.status_code == 403  # Fabrikam sees Contoso, but not Microsoft's deals and licences
    assert Api(cast.fran).get("/customers/T-100/eligibility").status_code == 403
    bad = problem_of(Api(cast.seller).get("/customers/T-100/eligibility", {"on": "06/10/2023"}))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "on"
    assert Api(cast.seller).get("/customers/T-404/eligibility").status_code == 404


def test_a_page_of_customers_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    factories.customer(cast.operator, tpid="T-1000", name="Customer 1000")
    seller = Api(cast.seller)
    one = queries(seller, "/customers/", {"limit": 50})
    for n in range(1001, 1050):
        factories.customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
    assert queries(seller, "/customers/", {"limit": 50}) == one == 2  # the token with its user, the page
