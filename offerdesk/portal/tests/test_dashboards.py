"""The staff home's dashboards: each chart an SVG image drawn on the server with its figures in a table beside it,
the money charts only for those who read the ledger, at a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.payouts.models import Payment
from offerdesk.portal.charts import bar_chart
from tests.factories import Cast, approved_sow, customer, mws_voucher, on

from .test_partner_query_counts import EVERY_PAGE, assert_page_costs


def _vouchers(cast: Cast, rows: int) -> None:
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approved_sow(
            cast, voucher=voucher, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12", value="1000"
        )


def _home(user: Any) -> str:
    client = Client()
    client.force_login(user)
    with on("2023-10-20"):
        answer = client.get(reverse("portal:staff-home"))
    assert answer.status_code == 200
    return answer.text


def test_each_chart_is_an_svg_image_with_its_figures_beside_it(cast: Cast) -> None:
    _vouchers(cast, 2)
    html = _home(cast.finance)
    charts = re.findall(r'<svg [^>]*data-chart="([\w-]+)"', html)
    assert charts == ["funnel-0", "funnel-1", "liability", "expiring", "forecast", "sla", "queue"]
    for key in charts:
        assert f'aria-labelledby="chart-{key}-title"' in html
        assert f'id="figures-{key}"' in html
    assert "<script" not in html.split("<main", 1)[1]  # the charts bring no script
    # the FY24 funnel's table says what its bars draw: 2 issued, 2 SOWs approved in October 2023
    fy24 = html[html.index('id="figures-funnel-1"') :]
    fy24 = fy24[: fy24.index("</table>")]
    assert re.search(r"Oct 2023</th>(<td class=\"num\">\d+</td>){5}", fy24)
    assert '<td class="num">2</td><td class="num">2</td>' in fy24
    committed = sum(p.amount for p in Payment.objects.all())
    assert committed > 0
    assert f'Committed by approvals</th><td class="num">${committed:,.2f}</td>' in html


def test_a_seller_sees_no_money_charts(cast: Cast) -> None:
    html = _home(cast.seller)
    assert 'data-chart="liability"' not in html and 'data-chart="forecast"' not in html
    assert 'data-chart="funnel-0"' in html


@pytest.mark.parametrize("rows", [1, 20])
def test_the_staff_home_costs_the_same_queries_whatever_the_volume(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    _vouchers(cast, rows)
    # the programs, five funnel stages, the expiring weeks, the SLA weeks, the queue, liability (3), forecast
    assert_page_costs(
        reverse("portal:staff-home"), user=cast.finance, queries=EVERY_PAGE + 13, check=django_assert_num_queries
    )


def test_bars_are_scaled_to_the_largest_value_and_an_all_zero_chart_says_so() -> None:
    chart = bar_chart("k", "Title", [("a", 10), ("b", 5), ("c", 0)])
    widths = [b.width for b in chart.bars]
    assert widths[0] > 0 and widths[1] == pytest.approx(widths[0] / 2) and widths[2] == 0
    assert not chart.empty
    assert bar_chart("k", "Title", [("a", 0)]).empty
    columns = bar_chart("k", "Title", [("a", 4), ("b", 8)], horizontal=False)
    assert columns.bars[1].height == pytest.approx(2 * columns.bars[0].height)
    assert columns.bars[0].y + columns.bars[0].height == pytest.approx(columns.baseline)


def test_the_figures_end_on_a_chosen_day_and_a_bad_day_is_refused(cast: Cast) -> None:
    _vouchers(cast, 1)
    client = Client()
    client.force_login(cast.operator)
    url = reverse("portal:staff-home")
    with on("2026-12-01"):
        now = client.get(url).text
        then = client.get(url, {"on": "2023-10-31"}).text
        broken = client.get(url, {"on": "2023-02-30"})
    assert "Oct 2023" not in now  # six months back from December 2026
    assert re.search(r"Oct 2023</th><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">1</td>", then)
    assert broken.status_code == 400 and "(OD-IN-01)" in broken.text
