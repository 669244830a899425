"""/partners through HTTP: each caller's scope, one partner, and the approved FRP list a customer chooses from
(names and countries only; empty for partners and FPMs)."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db


def test_each_caller_lists_the_partners_of_its_scope(cast: Cast, cso: Voucher) -> None:
    names = {p["name"] for p in Api(cast.operator).get("/partners/").json()["items"]}
    assert {"Fabrikam", "Northwind"} <= names
    assert [p["name"] for p in Api(cast.pat).get("/partners/").json()["items"]] == ["Fabrikam"]
    assert [p["name"] for p in Api(cast.felix).get("/partners/").json()["items"]] == ["Northwind"]
    cora = factories.customer_user(cso.customer, "cora")
    assert [p["name"] for p in Api(cora).get("/partners/").json()["items"]] == ["Fabrikam"]  # bound to its voucher
    assert [p["name"] for p in Api(cast.operator).get("/partners/", {"q": "north"}).json()["items"]] == ["Northwind"]
    bad = problem_of(Api(cast.operator).get("/partners/", {"frp_status": "maybe"}))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "FRP status"


def test_one_partner_and_another_tenants_is_not_found(cast: Cast, cso: Voucher) -> None:
    body = Api(cast.paula).get(f"/partners/{cast.fabrikam.pk}").json()
    assert body["name"] == "Fabrikam" and body["frp_status"] == "approved" and body["payout_currency"] == "USD"
    assert Api(cast.nico).get(f"/partners/{cast.fabrikam.pk}").status_code == 404
    assert Api(cast.operator).get("/partners/999999").status_code == 404


def test_the_approved_frp_list_shows_names_and_countries_to_customers_only(cast: Cast, dep: Voucher) -> None:
    # Given an approved partner in Germany and a suspended one
    factories.partner(cast.operator, "Contoso Consulting", country="DE")
    factories.partner(cast.operator, "Litware", country="DE", frp_status="suspended")
    cody = factories.customer_user(dep.customer, "cody")
    # When the customer searches the list
    customer = Api(cody)
    german = customer.get("/partners/directory", {"country": "DE"}).json()["items"]
    # Then it finds the approved one, by name and country only
    assert german == [{"id": german[0]["id"], "name": "Contoso Consulting", "country": "DE"}]
    assert "DE" in customer.get("/partners/directory/countries").json()
    assert [p["name"] for p in customer.get("/partners/directory", {"name": "fab"}).json()["items"]] == ["Fabrikam"]
    # And a partner finds nothing there; a country that is none is bad input
    assert Api(cast.pat).get("/partners/directory").json()["items"] == []
    bad = problem_of(customer.get("/partners/directory", {"country": "XX"}))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "country"


def test_a_page_of_partners_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    operator = Api(cast.operator)
    one = (queries(operator, "/partners/", {"limit": 50}), queries(operator, "/partners/directory", {"limit": 50}))
    for n in range(50):
        factories.partner(cast.operator, f"Partner {n:02}", country="FR")
    fifty = (queries(operator, "/partners/", {"limit": 50}), queries(operator, "/partners/directory", {"limit": 50}))
    assert one == fifty == (2, 2)
