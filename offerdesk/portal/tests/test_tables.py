"""The back office's lists (portal.tables): sorted as asked, paged, exported whole, at a fixed cost."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, StreamingHttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from openpyxl import load_workbook

from offerdesk.customers.models import Customer
from offerdesk.portal.tables import Column, Table, table_response
from tests import factories
from tests.factories import Cast

COLUMNS = (
    Column("tpid", "TPID", "tpid", order_by="tpid", link=lambda c: f"/customers/{c.pk}/"),
    Column("name", "Name", "name", order_by=("name", "-tpid")),
    Column("group", "Company group", "company_group.name"),
    Column("since", "Since", "created_at", order_by="created_at"),
)


@pytest.fixture
def customers(cast: Cast) -> list[Customer]:
    names = [("T-3", "=cmd|' /C calc'!A0"), ("T-1", "Alpine Ski House"), ("T-2", "Contoso")]
    return [
        factories.customer(cast.operator, tpid=tpid, name=name, contacts=[f"it@{tpid.lower()}.example"])
        for tpid, name in names
    ]


def table_for(query: str, **options: Any) -> Table:
    request = RequestFactory().get(f"/customers/{query}")
    options.setdefault("default_sort", "tpid")
    return Table(request, Customer.objects.select_related("company_group"), COLUMNS, name="customers", **options)


def texts(table: Table, column: int = 0) -> list[str]:
    return [row[column].text for row in table.rows]


def test_sorts_by_the_column_asked_for_and_back(customers: list[Customer]) -> None:
    assert texts(table_for("?sort=tpid")) == ["T-1", "T-2", "T-3"]
    assert texts(table_for("?sort=-tpid")) == ["T-3", "T-2", "T-1"]
    assert texts(table_for("?sort=name")) == ["T-3", "T-1", "T-2"]  # "=…" sorts first


@pytest.mark.parametrize("asked", ["?sort=group", "?sort=nothing", "?sort=--tpid", ""])
def test_an_unsortable_or_unknown_sort_falls_back_to_the_default(customers: list[Customer], asked: str) -> None:
    table = table_for(asked, default_sort="-tpid")
    assert table.sort == "-tpid"
    assert texts(table) == ["T-3", "T-2", "T-1"]


def test_headers_link_to_their_sort_keeping_the_filters_and_dropping_the_page(customers: list[Customer]) -> None:
    table = table_for("?sector=Commercial&page=2&sort=tpid")
    heads = {h["label"]: h for h in table.headers}
    assert heads["TPID"]["sorted"] == "ascending"
    assert heads["TPID"]["sort_url"] == "?sector=Commercial&sort=-tpid"
    assert heads["Name"]["sort_url"] == "?sector=Commercial&sort=name"
    assert heads["Company group"]["sort_url"] is None  # not sortable
    assert heads["Name"]["sorted"] is None


def test_pages_hold_per_page_rows_and_link_to_each_other(customers: list[Customer]) -> None:
    first = table_for("?sort=tpid", per_page=2)
    assert texts(first) == ["T-1", "T-2"]
    assert first.previous_url is None
    assert first.next_url == "?sort=tpid&page=2"
    second = table_for("?sort=tpid&page=2", per_page=2)
    assert texts(second) == ["T-3"]
    assert second.previous_url == "?sort=tpid&page=1"
    # a page out of range is the last page, a page that is not a number the first (Paginator.get_page)
    assert texts(table_for("?sort=tpid&page=9", per_page=2)) == ["T-3"]
    assert texts(table_for("?sort=tpid&page=x", per_page=2)) == ["T-1", "T-2"]


def test_a_page_costs_two_queries(customers: list[Customer], django_assert_num_queries: Callable[..., Any]) -> None:
    table = table_for("?sort=name", per_page=2)
    with django_assert_num_queries(2):  # the count, the rows (with their company group joined)
        render_to_string("portal/_table.html", {"table": table})


def test_the_page_shows_links_headings_and_escapes_text(customers: list[Customer]) -> None:
    html = render_to_string("portal/_table.html", {"table": table_for("?sort=tpid")})
    assert f'<a href="/customers/{customers[1].pk}/">T-1</a>' in html
    assert 'aria-sort="ascending"' in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html  # auto-escaped on the page
    assert "3 in all" in html


def request_for(query: str) -> HttpRequest:
    return RequestFactory().get(f"/customers/{query}")


def test_csv_export_streams_every_filtered_row_in_order_with_cells_escaped(customers: list[Customer]) -> None:
    # Given a filtered table on its second page
    request = request_for("?sort=-tpid&page=2&export=csv")
    queryset = Customer.objects.exclude(tpid="T-2").select_related("company_group")
    table = Table(request, queryset, COLUMNS, default_sort="tpid", name="customers", per_page=1)
    # When it is exported
    response = table_response(request, "portal/_table.html", {"table": table})
    # Then every row of the filter comes, in the table's order, the formula neutralised
    assert response["Content-Disposition"] == 'attachment; filename="customers.csv"'
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["TPID", "Name", "Company group", "Since"]
    assert [r[:2] for r in rows[1:]] == [["T-3", "'=cmd|' /C calc'!A0"], ["T-1", "Alpine Ski House"]]


def test_xlsx_export_only_where_the_table_allows_it(customers: list[Customer]) -> None:
    request = request_for("?export=xlsx")
    allowed = Table(request, Customer.objects.all(), COLUMNS, default_sort="tpid", name="customers", xlsx=True)
    response = table_response(request, "portal/_table.html", {"table": allowed})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["customers"]
    values = list(sheet.iter_rows(values_only=True))
    assert [v[0] for v in values] == ["TPID", "T-1", "T-2", "T-3"]
    # without xlsx the page is served
    plain = Table(request, Customer.objects.all(), COLUMNS, default_sort="tpid", name="customers")
    page = table_response(request, "portal/_table.html", {"table": plain})
    assert page["Content-Type"].startswith("text/html")
