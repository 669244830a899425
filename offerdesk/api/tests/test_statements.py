"""/statements through HTTP: the partner reads its published statement, with its lines, as PDF and as CSV; another
partner finds none of it."""

from __future__ import annotations

import pytest

from offerdesk.payouts.models import Statement
from offerdesk.payouts.services import statements_publish
from tests.factories import Cast, on

from .client import Api, problem_of
from .money import payments, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(cast: Cast) -> Statement:
    """Fabrikam's March 2024 statement: $9,000.00 scheduled (payable 2024-03-16), published on 2024-04-02."""
    payments(cast, 1)
    with on("2024-04-02"):
        statements_publish(on="2024-04-02")
    return Statement.objects.get()


def test_the_partner_reads_its_statement_and_its_files(cast: Cast, march: Statement) -> None:
    pat = Api(cast.pat)
    [listed] = pat.get("/statements/").json()["items"]
    assert (listed["id"], listed["month"], listed["closing"]) == (
        march.pk,
        "2024-03-01",
        {"usd": "9000.00", "local": "9000.00"},
    )
    detail = pat.get(f"/statements/{march.pk}").json()
    assert (detail["period"], detail["scheduled"]["usd"], detail["opening"]["usd"]) == ("March 2024", "9000.00", "0.00")
    [line] = detail["lines"]
    assert (line["day"], line["entry"], line["usd"], line["estimated"]) == ("2024-03-16", "scheduled", "9000.00", True)
    pdf = pat.get(f"/statements/{march.pk}/file/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["X-Content-Type-Options"] == "nosniff" and pdf["Content-Disposition"].startswith("attachment")
    csv = pat.get(f"/statements/{march.pk}/file/csv").content.decode().splitlines()
    assert csv[0].startswith("date,entry") and "closing balance" in csv[-1]
    assert problem_of(pat.get(f"/statements/{march.pk}/file/xlsx"))["errors"][0]["field"] == "file_format"


def test_another_partner_and_its_fpm_find_none(cast: Cast, march: Statement) -> None:
    for user in (cast.nico, cast.felix, cast.seller):
        caller = Api(user)
        assert caller.get("/statements/").json()["items"] == []
        assert problem_of(caller.get(f"/statements/{march.pk}"))["status"] == 404
        assert problem_of(caller.get(f"/statements/{march.pk}/file/pdf"))["status"] == 404
    assert Api(cast.fran).get("/statements/").json()["items"][0]["id"] == march.pk


def test_a_page_costs_the_same_queries_with_one_statement_and_with_fifty(cast: Cast, march: Statement) -> None:
    fiona = Api(cast.finance)
    one = queries(fiona, "/statements/", {"limit": 50})
    Statement.objects.bulk_create(
        Statement(partner=cast.fabrikam, month=f"{2000 + n // 12}-{n % 12 + 1:02}-01", published_at=march.published_at)
        for n in range(49)
    )
    assert len(fiona.get("/statements/", {"limit": 50}).json()["items"]) == 50
    assert queries(fiona, "/statements/", {"limit": 50}) == one == 2
