"""/catalogue through HTTP: programs, offers with their caps tables, workloads and SKUs, parameters with their
history; an operator sets a parameter from a date and withdraws it (audited); other roles may not (403), and a
partner's user may not read the catalogue at all (403)."""

from __future__ import annotations

import pytest

from offerdesk.audit.models import AuditEvent
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.selectors import catalogue_skus, catalogue_workloads
from tests.factories import Cast, on

from .client import Api, problem_of

pytestmark = pytest.mark.django_db
INTENT = "/catalogue/programs/CSO/parameters/cso.intent_days"


def test_programs_offers_workloads_and_skus(cast: Cast) -> None:
    reviewer = Api(cast.reviewer)
    assert {p["code"] for p in reviewer.get("/catalogue/programs").json()} == {"CSO", "MWS"}
    mws = reviewer.get("/catalogue/programs/MWS", {"on": "2023-10-06"}).json()
    assert mws["rulebook"] == "deployment" and "DEP" in mws["offers"] and mws["on"] == "2023-10-06"
    assert {p["key"] for p in mws["parameters"]} and all("value" in p for p in mws["parameters"])
    dep = reviewer.get("/catalogue/offers/DEP").json()
    assert dep["program"] == "MWS" and dep["variants"]
    band = dep["variants"][0]["bands"][0]
    assert isinstance(band["cap"], str) and band["rule"]  # money as an exact string
    assert {o["code"] for o in reviewer.get("/catalogue/offers").json()} >= {"CSO", "DEP"}
    assert reviewer.get("/catalogue/workloads").json() == sorted(catalogue_workloads())
    assert reviewer.get("/catalogue/skus").json() == sorted(catalogue_skus())
    assert reviewer.get("/catalogue/offers/NOPE").status_code == 404
    assert reviewer.get("/catalogue/programs/NOPE").status_code == 404


def test_a_partner_a_customer_and_an_fpm_may_not_read_the_catalogue(cast: Cast) -> None:
    for user in (cast.pat, cast.fran):
        refused = Api(user).get("/catalogue/programs")
        assert refused.status_code == 403 and problem_of(refused)["type"] == "urn:offerdesk:problem:permission_denied"


def test_an_operator_sets_a_parameter_from_a_date_and_withdraws_it(cast: Cast) -> None:
    operator = Api(cast.operator)
    before = operator.get(INTENT, {"on": "2023-10-06"}).json()
    assert before["value"] == before["default"] and before["history"] == []
    # When Omar sets it to 20 from 2023-10-01, with an idempotency key sent twice
    with on("2023-09-20"):
        body = {"value": "20", "effective_from": "2023-10-01", "reason": "longer window"}
        made = operator.post(INTENT, body, key="intent-20")
        replay = operator.post(INTENT, body, key="intent-20")
    # Then one override is made, in force from its day on, audited
    assert made.status_code == 201 and replay.content == made.content and replay["Idempotent-Replayed"] == "true"
    override = made.json()
    assert override["value"] == 20 and override["program"] == "CSO" and override["created_by"] == "omar"
    assert ParameterOverride.objects.count() == 1
    assert operator.get(INTENT, {"on": "2023-10-06"}).json()["value"] == 20
    assert operator.get(INTENT, {"on": "2023-09-30"}).json()["value"] == before["default"]
    # When he withdraws it
    url = f"{INTENT}/overrides/{override['id']}/withdraw"
    withdrawn = operator.post(url, {"reason": "back to the rule book"})
    # Then it is on record with its withdrawal, and the default is in force again
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal"]["reason"] == "back to the rule book"
    after = operator.get(INTENT, {"on": "2023-10-06"}).json()
    assert after["value"] == before["default"] and [h["id"] for h in after["history"]] == [override["id"]]
    assert AuditEvent.objects.filter(action__in=("parameter.set", "parameter.withdraw"), outcome="done").count() == 2
    assert operator.post(url, {"reason": "again"}).status_code == 404  # no override in force to withdraw


def test_a_parameter_is_changed_by_operators_only_and_within_its_bounds(cast: Cast) -> None:
    body = {"value": "20", "reason": "x"}
    assert Api(cast.seller).post(INTENT, body).status_code == 403
    operator = Api(cast.operator)
    out_of_bounds = problem_of(operator.post(INTENT, {"value": "-5", "reason": "x"}))
    assert out_of_bounds["status"] == 400 and out_of_bounds["rules"] == ["OD-IN-01"]
    a_float = problem_of(operator.post(INTENT, {"value": 20.5}))
    assert a_float["status"] == 400 and a_float["errors"][0]["field"].startswith("value")
    bad_day = problem_of(operator.post(INTENT, {"value": "20", "effective_from": "1 Oct"}))
    assert bad_day["errors"][0]["field"] == "effective_from"
    assert operator.post("/catalogue/programs/CSO/parameters/no.such", body).status_code == 404
    assert Api(cast.operator).post(f"{INTENT}/overrides/999/withdraw", {"reason": "x"}).status_code == 404
    assert not ParameterOverride.objects.exists()
