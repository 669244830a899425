"""The back office's lists: sortable, paginated and exportable (CSV, XLSX) from one description of the columns.

A view filters its scoped queryset (a GET form), describes the columns and hands both over:

    table = Table(request, queryset, COLUMNS, default_sort="-submitted", name="requests")
    return table_response(request, "portal/review/queue.html", {"table": table, "form": form})

`?sort=key` or `?sort=-key` orders by a sortable column (an unknown key: the default; the primary key breaks ties,
so a page never repeats or loses a row), `?page=N` pages, `?export=csv` streams every filtered row and
`?export=xlsx` (where the table allows it) sends a workbook; every link keeps the other GET parameters. A page costs
two queries (the count and the rows) plus what the queryset's own prefetches add."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse

from offerdesk.core.exports import csv_lines, xlsx_bytes
from offerdesk.portal.templatetags.portal import day, when

EXPORTS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its key in URLs and files, its heading, how a row gives its value (an attribute path such as
    "partner.name", or a function of the row), the field it sorts by (None: not sortable), how the page shows the
    value (default: dates and moments as the user's locale writes them) and where it links to."""

    key: str
    label: str
    value: str | Callable[[Any], Any]
    order_by: str | Sequence[str] | None = None
    numeric: bool = False
    display: Callable[[Any], str] | None = None
    link: Callable[[Any], str | None] | None = None

    def of(self, row: Any) -> Any:
        """The row's value in this column (a missing link in the path gives None)."""
        if callable(self.value):
            return self.value(row)
        value = row
        for part in self.value.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def text(self, row: Any) -> str:
        if self.display is not None:
            return self.display(row)
        value = self.of(row)
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return when(value)
        if isinstance(value, dt.date):
            return day(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None
    numeric: bool
    header: bool


class Table:
    """A queryset shown page by page in the order the URL asks for, or exported whole."""

    def __init__(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        columns: Sequence[Column],
        *,
        default_sort: str,
        name: str,
        xlsx: bool = False,
        per_page: int = 50,
        caption: str = "",
        empty: str = "Nothing to show.",
    ) -> None:
        self.request = request
        self.columns = tuple(columns)
        self.by_key = {c.key: c for c in self.columns}
        assert default_sort.lstrip("-") in self.by_key, f"default sort {default_sort!r} is not a column"
        self.name = name
        self.xlsx = xlsx
        self.per_page = per_page
        self.caption = caption
        self.empty = empty
        self.sort = self._sort(request.GET.get("sort", ""), default_sort)
        self.queryset = queryset.order_by(*self._ordering())

    def _sort(self, asked: str, default: str) -> str:
        column = self.by_key.get(asked.removeprefix("-"))
        return asked if column is not None and column.order_by is not None else default

    def _ordering(self) -> list[str]:
        """The sorted column's fields (descending: each one's direction flipped), then the primary key."""
        column = self.by_key[self.sort.lstrip("-")]
        fields = [column.order_by] if isinstance(column.order_by, str) else [*(column.order_by or ())]
        if not self.sort.startswith("-"):
            return [*fields, "pk"]
        return [f[1:] if f.startswith("-") else f"-{f}" for f in fields] + ["-pk"]

    # -- the page
    @cached_property
    def page(self) -> Page[Any]:
        return Paginator(self.queryset, self.per_page).get_page(self.request.GET.get("page"))

    @property
    def rows(self) -> Iterator[list[Cell]]:
        for row in self.page.object_list:
            yield [
                Cell(c.text(row), c.link(row) if c.link else None, c.numeric, header=i == 0)
                for i, c in enumerate(self.columns)
            ]

    def _url(self, **changes: str | None) -> str:
        query = self.request.GET.copy()
        query.pop("export", None)
        for key, value in changes.items():
            query.pop(key, None)
            if value is not None:
                query[key] = value
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def headers(self) -> list[dict[str, Any]]:
        heads = []
        for c in self.columns:
            current = self.sort.lstrip("-") == c.key
            descending = self.sort.startswith("-")
            heads.append(
                {
                    "label": c.label,
                    "numeric": c.numeric,
                    "sort_url": None
                    if c.order_by is None
                    else self._url(
                        sort=c.key if current and descending else f"-{c.key}" if current else c.key, page=None
                    ),
                    "sorted": ("descending" if descending else "ascending") if current else None,
                }
            )
        return heads

    def page_url(self, number: int) -> str:
        return self._url(page=str(number))

    @property
    def previous_url(self) -> str | None:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else None

    @property
    def export_urls(self) -> list[tuple[str, str]]:
        urls = [("CSV", self._url(export="csv", page=None))]
        if self.xlsx:
            urls.append(("XLSX", self._url(export="xlsx", page=None)))
        return urls

    # -- the files
    def export_rows(self) -> Iterator[list[Any]]:
        for row in self.queryset.iterator(chunk_size=2000):
            yield [_file_value(c.of(row)) for c in self.columns]

    def export(self, kind: str) -> HttpResponse | StreamingHttpResponse:
        header = [c.label for c in self.columns]
        if kind == "xlsx" and self.xlsx:
            response = HttpResponse(xlsx_bytes(header, self.export_rows(), sheet=self.name), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{self.name}.xlsx"'
            return response
        streamed = StreamingHttpResponse(csv_lines(header, self.export_rows()), content_type="text/csv; charset=utf-8")
        streamed["Content-Disposition"] = f'attachment; filename="{self.name}.csv"'
        return streamed


def _file_value(value: Any) -> Any:
    """A value as a file holds it: numbers and dates as themselves, choices and objects as their text."""
    if value is None or isinstance(value, Decimal | int | float | bool | dt.date):
        return value
    return str(value)


def table_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse | StreamingHttpResponse:
    """The page, or the file `?export=` asks for of the context's `table`."""
    kind = request.GET.get("export")
    table = context.get("table")
    if kind in EXPORTS and isinstance(table, Table) and (kind == "csv" or table.xlsx):
        return table.export(kind)
    return TemplateResponse(request, template, context, status=status)
