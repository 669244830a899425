"""The review queue: by urgency (the review's due date, then the voucher's expiry), each request's SLA clock and
its voucher's days left, a warning where a CSO voucher expires before its review is due; filtered by program,
kind and status; for reviewers, operators and auditors only; a pinned number of queries whatever its length."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.services import review_request_info
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, cso_customer, cso_voucher, customer, customer_user, mws_voucher, on, submit

URL = reverse("portal:review-queue")
SESSION = 2  # the session and its user
NAVIGATION = 1  # the unread notices beside "Notices"
TERMS = 2  # each program's review parameters on the day (CSO, FY24)
TABLE = 2  # the count and the page's rows
PINNED = SESSION + NAVIGATION + TERMS + TABLE


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(page: str) -> list[str]:
    """The table's rows, each as its text with the tags taken out (one space between cells)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


@pytest.fixture
def waiting(cast: Cast, cso: Voucher, dep: Voucher) -> dict[str, RedemptionRequest]:
    """Four SOWs as seen on Tuesday 2024-02-27: Woodgrove's CSO SOW of 02-20 (due 02-22: overdue), Adatum's DEP SOW
    of 02-22 (due today), and two CSO SOWs of today (due Thursday 02-29): Contoso's, whose voucher expires
    tomorrow, before its review is due, and Fourth Coffee's, whose voucher runs to 03-30."""
    woodgrove = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-200", name="Woodgrove"), nominated="2023-10-02"
    )
    fourth = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-300", name="Fourth Coffee"), nominated="2023-10-02"
    )
    assert (str(cso.expiry_date), str(fourth.expiry_date)) == ("2024-02-28", "2024-03-30")
    return {
        "late": submit(actor=cast.pat, voucher=woodgrove, partner=cast.fabrikam, kind="SOW", when="2024-02-20"),
        "dep": submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-02-22", value="9"),
        "expiring": submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2024-02-27"),
        "cso": submit(actor=cast.pat, voucher=fourth, partner=cast.fabrikam, kind="SOW", when="2024-02-27"),
    }


TODAY = "2024-02-27"


def test_the_queue_is_ordered_by_urgency_with_its_clocks_and_warnings(
    cast: Cast, waiting: dict[str, RedemptionRequest]
) -> None:
    # When rita opens the queue on Tuesday 2024-02-27
    with on(TODAY):
        answer = _client(cast.reviewer).get(URL)
    # Then the overdue one comes first, then today's, then the two due Thursday, the voucher expiring sooner first
    assert answer.status_code == 200
    rows = rows_of(answer.content.decode())
    assert [r.split()[1] for r in rows] == [f"#{waiting[k].pk}" for k in ("late", "dep", "expiring", "cso")]
    late, dep, expiring, cso = rows
    assert "Woodgrove" in late and "overdue by 3 business days" in late
    assert "Adatum" in dep and "due today" in dep and "FY24 Modern Work" in dep
    assert "due in 2 business days" in cso and "before the review is due" not in cso
    # And Contoso's voucher, 1 day left, expires before its review is due: rita is warned to approve by then
    assert "Contoso" in expiring and " 1 Voucher expires" in expiring
    assert "Voucher expires Feb 28, 2024, before the review is due: approve by then (AMB-08)" in expiring


def test_a_request_waiting_for_information_shows_its_clock_paused(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    with on("2023-10-03"):
        review_request_info(actor=cast.reviewer, request=sow, question="Which sites?")
    with on("2023-10-20"):
        [row] = rows_of(_client(cast.auditor).get(URL).content.decode())
    assert "paused: waiting for information" in row and "Needs Info" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"program": "CSO"}, {"cso", "late", "expiring"}),
        ({"program": "MWS"}, {"dep"}),
        ({"kind": "POE"}, set()),
        ({"kind": "SOW", "status": "received"}, {"cso", "late", "expiring", "dep"}),
        ({"status": "needs_info"}, set()),
    ],
)
def test_the_filters_narrow_the_queue(
    cast: Cast, waiting: dict[str, RedemptionRequest], query: dict[str, str], expected: set[str]
) -> None:
    with on(TODAY):
        answer = _client(cast.operator).get(URL, query)
    assert answer.status_code == 200
    shown = {r.split()[1] for r in rows_of(answer.content.decode()) if r.startswith(("SOW", "POE"))}
    assert shown == {f"#{waiting[k].pk}" for k in expected}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"program": "XYZ"}, "program: must be one of CSO, MWS, not &#x27;XYZ&#x27; (OD-IN-01)"),
        ({"kind": "PO"}, "kind: must be one of POE, SOW"),
        ({"status": "approved"}, "status: must be one of needs_info, received"),
    ],
)
def test_a_filter_from_nowhere_is_refused_by_field(
    cast: Cast, waiting: dict[str, RedemptionRequest], query: dict[str, str], says: str
) -> None:
    with on(TODAY):
        answer = _client(cast.reviewer).get(URL, query)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert says in page
    assert "Nothing waits for a decision." in page  # no rows are shown for a filter that was refused


def test_the_queue_exports_every_filtered_row(cast: Cast, waiting: dict[str, RedemptionRequest]) -> None:
    with on(TODAY):
        answer = _client(cast.auditor).get(URL, {"program": "CSO", "export": "csv"})
    assert answer.status_code == 200
    lines = b"".join(answer.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("Request,Program,Kind,Partner,Customer,Submitted,Status,Review due,SLA clock")
    assert len(lines) == 1 + 3
    assert "overdue by 3 business days" in lines[1]


@pytest.mark.parametrize("who", ["finance", "seller", "pat", "fran", "customer"])
def test_the_queue_is_not_for_other_roles(cast: Cast, cso: Voucher, who: str) -> None:
    user = customer_user(cso.customer, "cora") if who == "customer" else getattr(cast, who)
    assert _client(user).get(URL).status_code == 403


def test_the_navigation_shows_the_queue_to_the_desk_only(cast: Cast) -> None:
    assert 'href="/staff/reviews/"' in _client(cast.reviewer).get(reverse("portal:staff-home")).content.decode()
    assert 'href="/staff/reviews/"' in _client(cast.auditor).get(reverse("portal:staff-home")).content.decode()
    assert 'href="/staff/reviews/"' not in _client(cast.finance).get(reverse("portal:staff-home")).content.decode()


def _many(cast: Cast, rows: int) -> None:
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="9")


@pytest.mark.parametrize("rows", [1, 30])
def test_the_queue_costs_the_same_queries_with_1_or_30_rows(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    _many(cast, rows)
    client = _client(cast.reviewer)
    with on("2023-10-12"), django_assert_num_queries(PINNED):
        answer = client.get(URL)
    assert answer.status_code == 200
    assert len(rows_of(answer.content.decode())) == rows
