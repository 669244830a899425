"""/screenings through HTTP (Microsoft's operators and sellers): the stored screenings, one with its summary, its
lines page by page in TPID order (a fixed number of queries whatever the page's size), and a nomination made from
a line, once per line and offer."""

from __future__ import annotations

import pytest

from offerdesk.screening.models import Screening, ScreeningNomination
from offerdesk.screening.services import screening_run
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db


def _screened(cast: Cast, customers: int = 3) -> Screening:
    for n in range(customers):
        factories.cso_customer(cast.operator, tpid=f"T-{700 + n}", name=f"Customer {700 + n}")
    return screening_run(actor=cast.operator, on="2023-10-06")


def test_the_stored_screenings_one_with_its_summary_and_its_lines(cast: Cast) -> None:
    screening = _screened(cast)
    seller = Api(cast.seller)
    listed = seller.get("/screenings/").json()["items"]
    assert [s["id"] for s in listed] == [screening.pk] and listed[0]["created_by"] == "omar"
    detail = seller.get(f"/screenings/{screening.pk}").json()
    assert detail["customers"] == 3 and {s["offer"] for s in detail["summary"]} == set(screening.offers)
    assert sum(s["candidates"] for s in detail["summary"]) == screening.candidates
    # The lines, two at a time, cover every customer once in TPID order
    seen, cursor = [], None
    while True:
        page = seller.get(
            f"/screenings/{screening.pk}/lines", {"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert [line["customer_tpid"] for line in seen] == ["T-700", "T-701", "T-702"]
    for result in seen[0]["results"]:
        assert result["eligible"] == (result["failing"] == [])
        assert (result["cap"] is not None) == result["eligible"]
    assert [r["offer"] for r in seen[0]["results"]] == screening.offers
    candidates = seller.get(f"/screenings/{screening.pk}/lines", {"offer": "CSO", "eligible": "true"}).json()
    assert all(next(r for r in line["results"] if r["offer"] == "CSO")["eligible"] for line in candidates["items"])


def test_screenings_are_microsofts_operators_and_sellers_alone(cast: Cast) -> None:
    screening = _screened(cast, customers=1)
    for user in (cast.reviewer, cast.pat, cast.finance):
        assert Api(user).get("/screenings/").json()["items"] == []
        assert Api(user).get(f"/screenings/{screening.pk}").status_code == 404
        assert Api(user).get(f"/screenings/{screening.pk}/lines").status_code == 404


def test_a_nomination_is_made_from_a_line_once(cast: Cast, cso: Voucher) -> None:
    screening = _screened(cast, customers=1)
    line = screening.lines.get(customer__tpid="T-700")
    url = f"/screenings/{screening.pk}/lines/{line.pk}/nominate"
    seller = Api(cast.seller)
    body = {"offer_code": "CSO", "partner": cast.fabrikam.pk}
    with on("2023-10-06"):
        made = seller.post(url, body, key="screen-nominate")
        replay = seller.post(url, body, key="screen-nominate")
        again = problem_of(seller.post(url, body))
        contoso = screening.lines.get(customer=cso.customer)
        held = problem_of(seller.post(f"/screenings/{screening.pk}/lines/{contoso.pk}/nominate", body))
        bad = problem_of(seller.post(url, {"offer_code": "XYZ"}))
    assert made.status_code == 201, made.content
    assert made.json()["customer_tpid"] == "T-700" and made.json()["partner_name"] == "Fabrikam"
    assert replay.content == made.content and ScreeningNomination.objects.count() == 1
    assert again["status"] == 400 and "already made" in again["detail"]
    assert held["status"] == 422 and held["rules"]  # Contoso holds a CSO voucher: the rules say why not
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "offer_code"
    assert seller.post(f"/screenings/{screening.pk}/lines/999999/nominate", body).status_code == 404
    assert Api(cast.reviewer).post(url, body).status_code == 404


def test_a_page_of_lines_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    operator = Api(cast.operator)
    small = _screened(cast, customers=1)
    one = queries(operator, f"/screenings/{small.pk}/lines", {"limit": 50})
    for n in range(1, 50):
        factories.cso_customer(cast.operator, tpid=f"T-{800 + n}", name=f"Customer {800 + n}")
    large = screening_run(actor=cast.operator, on="2023-10-06")
    assert large.customers == 50
    assert queries(operator, f"/screenings/{large.pk}/lines", {"limit": 50}) == one == 3  # token, screening, page
    assert queries(operator, "/screenings/", {"limit": 50}) == 2
