"""/vouchers' writes beyond cancelling, through HTTP: Microsoft issues a FY24 voucher at a face value of at most
the cap (MWS-CAP-09), and a FY24 customer chooses the approved partner that will redeem it (MWS-NOM-04), never
one of its own company group (MWS-LIM-06)."""

from __future__ import annotations

import pytest

from offerdesk.customers.services import company_group_get_or_create
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of

pytestmark = pytest.mark.django_db


def _nominated_with_a_deal(cast: Cast) -> None:
    adatum = factories.customer(cast.operator, tpid="T-600", name="Adatum")
    factories.mws_nominate(cast, customer=adatum, when="2023-09-01")
    factories.deal(cast, customer=adatum, closed="2023-10-01")


def test_an_operator_issues_a_fy24_voucher_once_whatever_the_retries(cast: Cast) -> None:
    _nominated_with_a_deal(cast)
    operator = Api(cast.operator)
    body = {"tpid": "T-600", "offer": "DEP", "face_value": "75000.00"}
    with on("2023-10-05"):
        made = operator.post("/vouchers/", body, key="issue-adatum")
        replay = operator.post("/vouchers/", body, key="issue-adatum")
    assert made.status_code == 201, made.content
    voucher = made.json()
    assert voucher["offer"] == "DEP" and voucher["face_value"] == "75000.00" and voucher["partner"] is None
    assert voucher["issue_date"] == "2023-10-05" and float(voucher["cap_at_issue"]) >= 75000
    assert replay.content == made.content and Voucher.objects.count() == 1
    cody = factories.customer_user(Voucher.objects.get().customer, "cody")
    assert Api(cody).get(f"/vouchers/{voucher['code']}").status_code == 200


def test_issuing_is_refused_by_the_rules_and_bad_input_by_field(cast: Cast) -> None:
    _nominated_with_a_deal(cast)
    operator = Api(cast.operator)
    with on("2023-10-05"):
        over_cap = problem_of(
            operator.post("/vouchers/", {"tpid": "T-600", "offer": "DEP", "face_value": "9999999.00"})
        )
        not_nominated = problem_of(operator.post("/vouchers/", {"tpid": "T-600", "offer": "MD", "face_value": "100"}))
        cso = problem_of(operator.post("/vouchers/", {"tpid": "T-600", "offer": "CSO", "face_value": "100"}))
        a_float = problem_of(operator.post("/vouchers/", {"tpid": "T-600", "offer": "DEP", "face_value": 100.5}))
        bad_offer = problem_of(operator.post("/vouchers/", {"tpid": "T-600", "offer": "XYZ", "face_value": "100"}))
        reviewer = Api(cast.reviewer).post("/vouchers/", {"tpid": "T-600", "offer": "DEP", "face_value": "100"})
    assert over_cap["status"] == 422 and "MWS-CAP-09" in over_cap["rules"]
    assert not_nominated["status"] == 422 and "MWS-NOM-02" in not_nominated["rules"]
    assert cso["status"] == 400 and "accepts the referral" in cso["detail"]
    assert a_float["status"] == 400 and a_float["errors"][0]["field"] == "face_value"
    assert bad_offer["status"] == 400 and bad_offer["errors"][0]["field"] == "offer"
    assert reviewer.status_code == 403
    assert Api(cast.nico).post("/vouchers/", {"tpid": "T-600", "offer": "DEP", "face_value": "1"}).status_code == 404
    assert not Voucher.objects.exists()


def test_the_customer_chooses_its_partner_from_the_approved_list(cast: Cast, dep: Voucher) -> None:
    cody = Api(factories.customer_user(dep.customer, "cody"))
    with on("2023-10-10"):
        chosen = cody.post(f"/vouchers/{dep.code}/partner", {"partner": cast.fabrikam.pk}, key="choose-1")
        replay = cody.post(f"/vouchers/{dep.code}/partner", {"partner": cast.fabrikam.pk}, key="choose-1")
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["partner_name"] == "Fabrikam" and replay.content == chosen.content
    assert Voucher.objects.get(pk=dep.pk).partner == cast.fabrikam
    assert Api(cast.pat).get(f"/vouchers/{dep.code}").status_code == 200  # Fabrikam sees it now
    suspended = factories.partner(cast.operator, "Litware", frp_status="suspended")
    assert cody.post(f"/vouchers/{dep.code}/partner", {"partner": suspended.pk}).status_code == 404
    assert cody.post(f"/vouchers/{dep.code}/partner", {"partner": "Fabrikam"}).status_code == 400
    assert Api(cast.seller).post(f"/vouchers/{dep.code}/partner", {"partner": cast.northwind.pk}).status_code == 403
    other = factories.customer(cast.operator, tpid="T-601", name="Other")
    stranger = Api(factories.customer_user(other, "olive"))
    assert stranger.post(f"/vouchers/{dep.code}/partner", {"partner": cast.northwind.pk}).status_code == 404
    assert Voucher.objects.get(pk=dep.pk).partner == cast.fabrikam


def test_a_partner_of_the_customers_own_company_group_is_refused(cast: Cast) -> None:
    group = company_group_get_or_create(actor=cast.operator, name="Woodgrove Group")
    woodgrove = factories.customer(cast.operator, tpid="T-610", name="Woodgrove Bank", company_group=group)
    sister = factories.partner(cast.operator, "Woodgrove Services", company_group=group)
    voucher = factories.mws_voucher(cast, customer=woodgrove)
    with on("2023-10-10"):
        refused = Api(factories.customer_user(woodgrove, "wanda")).post(
            f"/vouchers/{voucher.code}/partner", {"partner": sister.pk}
        )
    problem = problem_of(refused)
    assert refused.status_code == 422 and problem["rules"] == ["MWS-LIM-06"]
    assert problem["findings"][0]["rule"] == "MWS-LIM-06"
    assert Voucher.objects.get(pk=voucher.pk).partner is None
