"""/reports through HTTP: the dashboards' figures up to a day, for what the caller may see; a bad day is refused by
its field."""

from __future__ import annotations

import pytest

from tests.factories import Cast

from .client import Api, problem_of
from .money import payments

pytestmark = pytest.mark.django_db


def test_the_figures_up_to_a_day(cast: Cast) -> None:
    payments(cast, 1)
    fiona = Api(cast.finance)
    funnels = {f["program"]: f for f in fiona.get("/reports/funnel", {"on": "2024-04-30"}).json()}
    cso = next(f for name, f in funnels.items() if "CSO" in name or "Customer Success" in name)
    assert {t["stage"]: t["count"] for t in cso["totals"]}["POE approved"] == 1
    assert len(cso["months"]) == 6 and cso["months"][-1]["month"] == "2024-04-01"
    liability = fiona.get("/reports/liability").json()
    assert (liability["committed"], liability["committed_unpaid"]) == ("9000.00", "9000.00")
    forecast = fiona.get("/reports/forecast", {"on": "2024-03-01"}).json()
    assert forecast[0] == {"month": "2024-03-01", "usd": "9000.00"}
    assert len(fiona.get("/reports/sla", {"on": "2024-01-31"}).json()) == 8
    assert fiona.get("/reports/expiring", {"on": "2024-04-30"}).json()["weeks"][0]["face_value"].endswith(".00")
    assert sum(b["requests"] for b in fiona.get("/reports/queue-age").json()) == 0
    # a seller sees no payments: the liability's committed is nothing
    assert Api(cast.seller).get("/reports/liability").json()["committed"] == "0.00"


def test_a_bad_day_is_refused_by_its_field(cast: Cast) -> None:
    for path in ("/reports/funnel", "/reports/forecast", "/reports/queue-age"):
        refused = problem_of(Api(cast.operator).get(path, {"on": "30/04/2024"}))
        assert refused["status"] == 400 and refused["errors"][0]["field"] == "on"
