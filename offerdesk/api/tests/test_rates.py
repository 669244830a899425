"""/exchange-rates through HTTP: finance enters a rate (a decimal string, never a float), lists every entry and
reads the one in effect on a day; bad input is refused by its field; no one else reads rates."""

from __future__ import annotations

import pytest

from offerdesk.payouts.models import ExchangeRate
from tests.factories import Cast, on

from .client import Api, problem_of
from .money import queries

pytestmark = pytest.mark.django_db


def _set(api: Api, rate: object, *, currency: str = "INR", day: str = "2024-03-01", key: str | None = None) -> object:
    with on("2024-02-01"):
        return api.post("/exchange-rates/", {"currency": currency, "rate": rate, "effective_from": day}, key=key)


def test_finance_enters_a_rate_and_reads_the_one_in_effect(cast: Cast) -> None:
    fiona = Api(cast.finance)
    made = _set(fiona, "83.40", key="inr-march")
    assert made.status_code == 201 and made.json()["rate"] == "83.4"  # type: ignore[attr-defined]
    assert _set(fiona, "83.40", key="inr-march").content == made.content  # type: ignore[attr-defined]
    assert ExchangeRate.objects.count() == 1  # the replay made no second entry
    _set(fiona, "83.5", day="2024-04-01")
    assert [r["rate"] for r in fiona.get("/exchange-rates/").json()["items"]] == ["83.5", "83.4"]
    march = fiona.get("/exchange-rates/in-effect", {"currency": "inr", "on": "2024-03-16"}).json()
    assert (march["currency"], march["rate"], march["entry"]["effective_from"]) == ("INR", "83.4", "2024-03-01")
    usd = fiona.get("/exchange-rates/in-effect", {"currency": "USD", "on": "2024-03-16"}).json()
    assert (usd["rate"], usd["entry"]) == ("1", None)
    before = problem_of(fiona.get("/exchange-rates/in-effect", {"currency": "INR", "on": "2024-02-29"}))
    assert before["status"] == 404 and "no INR rate" in before["detail"]


def test_bad_rates_are_refused_by_field_and_other_roles_are_refused(cast: Cast) -> None:
    fiona = Api(cast.finance)
    for bad, field in (("0", ""), ("-1", ""), ("83.1234567", ""), (83.4, "rate")):
        refused = problem_of(_set(fiona, bad))
        assert refused["status"] == 400 and refused["rules"] == ["OD-IN-01"], bad
        if field:
            assert refused["errors"][0]["field"] == field
    assert problem_of(_set(fiona, "83", currency="XXY"))["status"] == 400
    assert problem_of(_set(fiona, "83", day="2024-3-1"))["errors"][0]["field"] == "effective from"
    in_effect = problem_of(fiona.get("/exchange-rates/in-effect", {"currency": "INR", "on": "tomorrow"}))
    assert in_effect["errors"][0]["field"] == "on"
    assert problem_of(_set(Api(cast.pat), "83"))["status"] == 403
    assert not ExchangeRate.objects.exists()
    _set(fiona, "83")
    pat = Api(cast.pat)
    assert pat.get("/exchange-rates/").json()["items"] == []
    assert pat.get("/exchange-rates/in-effect", {"currency": "INR", "on": "2024-03-16"}).status_code == 404


def test_a_page_costs_the_same_queries_with_one_rate_and_with_fifty(cast: Cast) -> None:
    fiona = Api(cast.finance)
    _set(fiona, "83")
    one = queries(fiona, "/exchange-rates/", {"limit": 50})
    for n in range(49):
        _set(fiona, f"{80 + n}.5", day=f"2023-{n % 12 + 1:02}-01")
    assert queries(fiona, "/exchange-rates/", {"limit": 50}) == one == 2
