"""/referrals through HTTP: the mapped partner sees its referrals, accepts one (the CSO voucher is issued) or
declines one with a reason; an answered referral is not answered twice, and another partner finds none."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Referral, Voucher
from tests import factories
from tests.factories import Cast, on

from .client import Api, problem_of
from .pinned import queries

pytestmark = pytest.mark.django_db


def _referred(cast: Cast, tpid: str = "T-100") -> Referral:
    customer = factories.cso_customer(cast.operator, tpid=tpid, name=f"Customer {tpid}")
    return factories.cso_nominate(cast, customer=customer, partner=cast.fabrikam).referral


def test_the_partner_accepts_a_referral_and_the_voucher_is_issued(cast: Cast) -> None:
    referral = _referred(cast)
    pat = Api(cast.pat)
    with on("2023-09-05"):
        awaiting = pat.get("/referrals/", {"awaiting": "true"}).json()["items"]
        assert [r["id"] for r in awaiting] == [referral.pk] and awaiting[0]["respond_by"] > "2023-09-05"
        accepted = pat.post(f"/referrals/{referral.pk}/accept", key="accept-1")
        replay = pat.post(f"/referrals/{referral.pk}/accept", key="accept-1")
        again = pat.post(f"/referrals/{referral.pk}/accept")
    assert accepted.status_code == 200, accepted.content
    voucher = accepted.json()
    assert (
        voucher["program"] == "CSO" and voucher["partner_name"] == "Fabrikam" and voucher["issue_date"] == "2023-09-05"
    )
    assert replay.content == accepted.content and Voucher.objects.count() == 1
    assert again.status_code == 400 and "already accepted" in problem_of(again)["detail"]
    assert pat.get(f"/referrals/{referral.pk}").json()["status"] == "accepted"


def test_the_partner_declines_with_a_reason_and_no_one_else_answers_for_it(cast: Cast) -> None:
    referral = _referred(cast)
    assert Api(cast.nico).get(f"/referrals/{referral.pk}").status_code == 404
    assert Api(cast.nico).post(f"/referrals/{referral.pk}/decline", {"reason": "mine?"}).status_code == 404
    assert Api(cast.seller).post(f"/referrals/{referral.pk}/accept").status_code == 403
    assert Api(cast.pat).post(f"/referrals/{referral.pk}/decline", {"reason": ["x"]}).status_code == 400
    with on("2023-09-03"):
        declined = Api(cast.paula).post(f"/referrals/{referral.pk}/decline", {"reason": "No capacity this quarter."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert Api(cast.pat).get("/referrals/", {"status": "declined"}).json()["items"][0]["id"] == referral.pk
    assert Api(cast.pat).get("/referrals/", {"status": "nope"}).status_code == 400
    assert not Voucher.objects.exists()


def test_a_page_of_referrals_costs_the_same_queries_with_one_and_with_fifty(cast: Cast) -> None:
    _referred(cast, "T-1000")
    pat = Api(cast.pat)
    one = queries(pat, "/referrals/", {"limit": 50})
    for n in range(1001, 1050):
        _referred(cast, f"T-{n}")
    assert queries(pat, "/referrals/", {"limit": 50}) == one == 2
