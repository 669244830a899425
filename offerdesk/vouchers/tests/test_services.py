"""Nominations, referrals, deals, issuing, cancelling and expiring vouchers, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from offerdesk.catalogue.selectors import offer_get
from offerdesk.core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from offerdesk.customers.models import Customer
from offerdesk.customers.services import customer_create
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Nomination, Referral, Voucher
from offerdesk.vouchers.selectors import voucher_latest_unscoped, voucher_quote
from offerdesk.vouchers.services import (
    deal_record,
    nomination_create,
    referral_accept,
    referral_decline,
    referrals_lapse,
    voucher_cancel,
    voucher_issue,
    vouchers_expire,
)
from tests.factories import (
    Cast,
    audit_events,
    cso_customer,
    cso_nominate,
    cso_voucher,
    customer,
    deal,
    mws_nominate,
    mws_voucher,
    on,
    snapshot,
)

CSO = "Customer Success Offer"
DEP = "M365 Deployment Offer"


@pytest.fixture
def contoso(cast: Cast) -> Customer:
    """A CSO-eligible customer: 2,000 paid seats, 500 in use, low usage."""
    return cso_customer(cast.operator)


@pytest.fixture
def adatum(cast: Cast) -> Customer:
    """A FY24-eligible Commercial Enterprise customer in the US."""
    return customer(cast.operator, tpid="T-500", name="Adatum")


def refused_event(action: str, outcome: str = "refused") -> dict:
    [event] = audit_events(action, outcome)
    return event.data


# =========================================================================================== nominate


def test_a_cso_nomination_refers_the_mapped_partner(cast: Cast, contoso: Customer) -> None:
    # When mira nominates Contoso with Fabrikam on 2023-09-01
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    # Then Fabrikam has 30 days, inclusive, to accept
    referral = Referral.objects.get(nomination=nomination)
    assert (referral.partner, referral.notified_on, referral.respond_by, referral.status) == (
        cast.fabrikam,
        dt.date(2023, 9, 1),
        dt.date(2023, 10, 1),
        "pending",
    )
    # And the referral is queued to Fabrikam's primary contact with its FPM in copy (CSO-NOT-01)
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.REFERRAL)
    assert (message.to, message.cc) == (["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"])
    assert audit_events("nomination.create", "done")[0].actor == cast.seller


@pytest.mark.parametrize(("offer", "rule"), [(CSO, "CSO-NOM-01"), (DEP, "MWS-NOM-01")])
def test_a_partner_user_cannot_nominate(cast: Cast, contoso: Customer, offer: str, rule: str) -> None:
    # Given pat, who works for Fabrikam
    before = snapshot()
    # When pat tries to nominate Contoso
    with on("2023-09-01"), pytest.raises(PermissionDenied) as raised:
        nomination_create(
            actor=cast.pat,
            customer=contoso,
            offer=offer_get(name_or_code=offer),
            partner=cast.fabrikam if offer == CSO else None,
        )
    # Then it is denied citing the nomination rule, nothing is written, and the attempt is audited
    assert raised.value.rules == (rule,)
    assert snapshot() == before
    assert refused_event("nomination.create", "denied")["rules"] == [rule]


@pytest.mark.parametrize("role", ["reviewer", "finance", "auditor"])
def test_only_sellers_and_operators_nominate(cast: Cast, contoso: Customer, role: str) -> None:
    with on("2023-09-01"), pytest.raises(PermissionDenied, match="may not nominate customers"):
        nomination_create(
            actor=getattr(cast, role),
            customer=contoso,
            offer=offer_get(name_or_code=CSO),
            partner=cast.fabrikam,
        )
    assert not Nomination.objects.exists()


def test_an_ineligible_customer_is_refused_citing_every_failing_rule(cast: Cast) -> None:
    # Given a Non-profit with 499 seats whose deployment is funded by ECIF
    charity = cso_customer(cast.operator, tpid="T-101", name="Charity", sector="Non-profit", paid=499, in_use=0)
    from offerdesk.customers.services import customer_set_ecif

    with on("2023-08-15"):
        customer_set_ecif(actor=cast.operator, customer=charity, funded=True)
    before = snapshot()
    # When mira nominates it
    with pytest.raises(RuleViolation) as raised:
        cso_nominate(cast, customer=charity, partner=cast.fabrikam, when="2023-09-01")
    # Then every failing rule is cited, nothing is written, and the refusal is audited with the rules
    expected = {"CSO-ELIG-01", "CSO-ELIG-02", "CSO-ELIG-05", "CSO-ELIG-07"}
    assert set(raised.value.rules) == expected
    assert snapshot() == before
    assert set(refused_event("nomination.create")["rules"]) == expected


def test_no_nomination_before_the_offer_starts(cast: Cast, contoso: Customer) -> None:
    # AT-C29
    with pytest.raises(RuleViolation) as raised:
        cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-07-20")
    assert raised.value.rules == ("CSO-GEN-01",)
    assert not Nomination.objects.exists()


def test_a_cso_nomination_without_a_partner_is_refused(cast: Cast, contoso: Customer) -> None:
    with on("2023-09-01"), pytest.raises(RuleViolation) as raised:
        nomination_create(actor=cast.seller, customer=contoso, offer=offer_get(name_or_code=CSO))
    assert raised.value.rules == ("CSO-NOM-02",)
    assert refused_event("nomination.create")["rules"] == ["CSO-NOM-02"]


def test_a_cso_nomination_without_a_partner_also_cites_the_other_failing_rules(cast: Cast) -> None:
    # Given a Non-profit customer; When it is nominated with no mapped partner
    charity = cso_customer(cast.operator, tpid="T-102", name="Charity", sector="Non-profit")
    with on("2023-09-01"), pytest.raises(RuleViolation) as raised:
        nomination_create(actor=cast.seller, customer=charity, offer=offer_get(name_or_code=CSO))
    # Then the refusal cites the missing partner and the customer's type
    assert {"CSO-NOM-02", "CSO-ELIG-01", "CSO-ELIG-02"} <= set(raised.value.rules)


def test_a_fy24_nomination_names_no_partner(cast: Cast, adatum: Customer) -> None:
    before = snapshot()
    with on("2023-09-01"), pytest.raises(InvalidInput, match="MWS-NOM-04"):
        nomination_create(actor=cast.seller, customer=adatum, offer=offer_get(name_or_code=DEP), partner=cast.fabrikam)
    assert snapshot() == before
    assert "MWS-NOM-04" in refused_event("nomination.create")["message"]


def test_a_second_open_nomination_is_refused(cast: Cast, adatum: Customer) -> None:
    mws_nominate(cast, customer=adatum, when="2023-09-01")
    before = snapshot()
    with pytest.raises(InvalidInput, match="already has an open nomination"):
        mws_nominate(cast, customer=adatum, when="2023-09-02")
    assert snapshot() == before


def test_an_ineligible_fy24_customer_cannot_be_nominated(cast: Cast) -> None:
    federal = customer(cast.operator, tpid="T-510", name="Federal Agency", sector="US Federal")
    with pytest.raises(RuleViolation) as raised:
        mws_nominate(cast, customer=federal, when="2023-09-01")
    assert set(raised.value.rules) == {"MWS-ELIG-01", "MWS-ELIG-02"}


# ========================================================================================== referrals


def test_accepting_the_referral_issues_the_voucher(cast: Cast, contoso: Customer) -> None:
    # When Fabrikam accepts Contoso's referral on the day it is notified
    voucher = cso_voucher(cast, customer=contoso, nominated="2023-09-01")
    # Then a tier-1 voucher is issued, bound to Fabrikam, expiring 180 days later (AT-C18)
    assert (voucher.face_value, voucher.cap_at_issue) == (Decimal("25000.00"), Decimal("25000.00"))
    assert (voucher.issue_date, voucher.expiry_date) == (dt.date(2023, 9, 1), dt.date(2024, 2, 28))
    assert (voucher.partner, voucher.status, voucher.variant) == (cast.fabrikam, VoucherStatus.OPEN, "CSO")
    # And the unused seats at issue are stored on it (AMB-04)
    assert (voucher.paid_in_scope_at_issue, voucher.unused_at_issue) == (2000, 1500)
    referral = Referral.objects.get(partner=cast.fabrikam)
    assert referral.status == "accepted" and referral.responded_by == cast.pat
    assert referral.nomination.status == "closed"
    # And the partner hears with its FPM in copy, and the customer hears too (CSO-ENG-03, CSO-NOT-01)
    issued = OutboxMessage.objects.filter(kind=NoticeKind.VOUCHER_ISSUED).order_by("id")
    assert [(m.to, m.cc) for m in issued] == [
        (["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"]),
        (["it@contoso.example"], []),
    ]
    assert voucher.code in issued[0].body_text
    [event] = audit_events("voucher.issue", "done")
    assert event.data["expiry_date"] == "2024-02-28"


@pytest.mark.parametrize(("accepted", "ok"), [("2023-10-01", True), ("2023-10-02", False)])
def test_the_partner_has_thirty_days_to_accept(cast: Cast, contoso: Customer, accepted: str, ok: bool) -> None:
    # AT-C09: Given a referral notified on 2023-09-01
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    referral = Referral.objects.get(nomination=nomination)
    before = snapshot()
    # When Fabrikam accepts on `accepted`
    with on(accepted):
        if ok:
            assert referral_accept(actor=cast.pat, referral=referral).issue_date == dt.date(2023, 10, 1)
            return
        with pytest.raises(RuleViolation) as raised:
            referral_accept(actor=cast.pat, referral=referral)
    # Then a late acceptance is refused under CSO-ENG-01, nothing is written, and it is audited
    assert raised.value.rules == ("CSO-ENG-01",)
    assert snapshot() == before
    assert refused_event("referral.accept")["rules"] == ["CSO-ENG-01"]


def test_a_partner_user_cannot_answer_another_partners_referral(cast: Cast, contoso: Customer) -> None:
    # Given Contoso referred to Fabrikam
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    referral = Referral.objects.get(nomination=nomination)
    before = snapshot()
    # When nico, of Northwind, accepts or declines it
    with on("2023-09-02"):
        with pytest.raises(PermissionDenied, match="only accept a referral for its own partner"):
            referral_accept(actor=cast.nico, referral=referral)
        with pytest.raises(PermissionDenied, match="only decline a referral for its own partner"):
            referral_decline(actor=cast.nico, referral=referral)
    # Then both are denied and audited, and nothing changes
    assert snapshot() == before
    assert len(audit_events("referral.accept", "denied")) == 1
    assert len(audit_events("referral.decline", "denied")) == 1


def test_an_answered_referral_cannot_be_answered_again(cast: Cast, contoso: Customer) -> None:
    cso_voucher(cast, customer=contoso)
    referral = Referral.objects.get(partner=cast.fabrikam)
    with on("2023-09-02"), pytest.raises(InvalidInput, match="already accepted"):
        referral_decline(actor=cast.pat, referral=referral)
    assert Voucher.objects.count() == 1


def test_a_declined_customer_may_be_mapped_to_another_partner(cast: Cast, contoso: Customer) -> None:
    # Given Fabrikam declines Contoso's referral (CSO-ENG-04, AMB-14)
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    with on("2023-09-03"):
        referral_decline(actor=cast.pat, referral=Referral.objects.get(nomination=nomination), reason="busy")
    nomination.refresh_from_db()
    assert nomination.status == "closed"
    # When Microsoft maps it to Northwind, which accepts
    voucher = cso_voucher(cast, customer=contoso, partner=cast.northwind, nominated="2023-09-05", accepted="2023-09-06")
    # Then the voucher is Northwind's, from the new acceptance
    assert (voucher.partner, voucher.issue_date, voucher.expiry_date) == (
        cast.northwind,
        dt.date(2023, 9, 6),
        dt.date(2024, 3, 4),
    )


def test_an_unanswered_referral_lapses_the_day_after_its_window(cast: Cast, contoso: Customer) -> None:
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    with on("2023-10-01"):
        assert referrals_lapse(on=dt.date(2023, 10, 1)) == 0
    with on("2023-10-02"):
        assert referrals_lapse(on=dt.date(2023, 10, 2)) == 1
        assert referrals_lapse(on=dt.date(2023, 10, 2)) == 0
    nomination.refresh_from_db()
    assert (nomination.referral.status, nomination.status) == ("lapsed", "closed")
    assert len(audit_events("referral.lapse", "done")) == 1
    with on("2023-10-02"), pytest.raises(InvalidInput, match="already lapsed"):
        referral_accept(actor=cast.pat, referral=nomination.referral)


@pytest.mark.parametrize("then", ["open", "expired"])
def test_a_tpid_holds_one_cso_voucher_ever(cast: Cast, contoso: Customer, then: str) -> None:
    # Given Contoso already holds a CSO voucher, open or expired (AT-C08)
    voucher = cso_voucher(cast, customer=contoso)
    when = "2023-10-01"
    if then == "expired":
        when = "2024-03-01"
        with on(when):
            vouchers_expire(on=dt.date(2024, 3, 1))
        voucher.refresh_from_db()
        assert voucher.status == VoucherStatus.EXPIRED
    before = snapshot()
    # When it is nominated again, with another partner
    with pytest.raises(RuleViolation) as raised:
        cso_nominate(cast, customer=contoso, partner=cast.northwind, when=when)
    # Then it is refused under CSO-ELIG-06 and nothing is written
    assert raised.value.rules == ("CSO-ELIG-06",)
    assert voucher.code in raised.value.message
    assert snapshot() == before


# ============================================================================================== deals


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1.00", "cannot be negative"),
        ("lots", "not an amount of money"),
        ("500000.001", "at most two decimals"),
        ("", "not an amount of money"),
    ],
)
def test_a_deal_with_a_bad_value_is_refused(cast: Cast, adatum: Customer, value: str, message: str) -> None:
    before = snapshot()
    with on("2023-10-01"), pytest.raises(InvalidInput, match=message):
        deal_record(
            actor=cast.seller,
            customer=adatum,
            value=value,
            close_date=dt.date(2023, 10, 1),
            workloads=["Microsoft 365 E3"],
        )
    assert snapshot() == before
    assert refused_event("deal.record")["input"]["value"] == value


def test_a_deal_names_a_workload_and_a_close_time_on_its_close_date(cast: Cast, adatum: Customer) -> None:
    before = snapshot()
    with on("2023-10-01"):
        with pytest.raises(InvalidInput, match="at least one workload"):
            deal_record(
                actor=cast.seller,
                customer=adatum,
                value="1",
                close_date=dt.date(2023, 10, 1),
                workloads=[" "],
            )
        with pytest.raises(InvalidInput, match="another day than the close date"):
            deal_record(
                actor=cast.seller,
                customer=adatum,
                value="1",
                close_date=dt.date(2023, 10, 1),
                closed_at=dt.datetime(2023, 10, 2, 9, 0, tzinfo=dt.UTC),
                workloads=["Microsoft 365 E3"],
            )
        with pytest.raises(PermissionDenied):
            deal_record(
                actor=cast.pat,
                customer=adatum,
                value="1",
                close_date=dt.date(2023, 10, 1),
                workloads=["Microsoft 365 E3"],
            )
    assert snapshot() == before
    assert len(audit_events("deal.record", "refused")) == 2
    assert len(audit_events("deal.record", "denied")) == 1


def test_a_close_time_without_a_time_zone_is_refused(cast: Cast, adatum: Customer) -> None:
    before = snapshot()
    # When a deal is recorded with a close time that has no time zone
    with on("2023-10-01"), pytest.raises(InvalidInput):
        deal_record(
            actor=cast.seller,
            customer=adatum,
            value="500000",
            close_date=dt.date(2023, 10, 1),
            closed_at=dt.datetime(2023, 10, 1, 9, 0),
            workloads=["Microsoft 365 E3"],
        )
    # Then it is refused with a clear message, nothing is written, and the attempt is audited
    assert snapshot() == before
    assert len(audit_events("deal.record", "refused")) == 1


# ============================================================================================ issuing


def test_a_fy24_voucher_is_issued_at_its_face_value(cast: Cast, adatum: Customer) -> None:
    # Given Adatum nominated on 2023-09-01 and a $500,000 deal closed on 2023-10-01 (AT-M01)
    voucher = mws_voucher(cast, customer=adatum, issued="2023-10-05", face_value="$75,000.00")
    # Then the voucher is worth $75,000.00, unbound, and expires six months after issue
    assert (voucher.face_value, voucher.cap_at_issue, voucher.variant) == (
        Decimal("75000.00"),
        Decimal("75000.00"),
        "DEP",
    )
    assert voucher.expiry_date == dt.date(2024, 4, 5)
    assert voucher.partner is None
    # And the customer hears, with its account team in copy (MWS-NOT-01)
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.VOUCHER_ISSUED)
    assert (message.to, message.cc) == (["it@adatum.example"], ["ats-adatum@microsoft.example"])


def test_a_face_value_below_the_cap_keeps_the_cap_on_record(cast: Cast, adatum: Customer) -> None:
    voucher = mws_voucher(cast, customer=adatum, face_value="50000")
    assert (voucher.face_value, voucher.cap_at_issue) == (Decimal("50000.00"), Decimal("75000.00"))


def test_a_face_value_above_the_cap_is_refused(cast: Cast) -> None:
    # AT-M44: Given an SMC-C customer with a $300,000 DEP deal (cap $25,000)
    smc = customer(cast.operator, tpid="T-520", name="Litware", segment="SMC-C")
    mws_nominate(cast, customer=smc, when="2023-09-01")
    deal(cast, customer=smc, closed="2023-10-01", value="300000.00")
    before = snapshot()
    # When a voucher of $30,000 is issued
    with on("2023-10-05"), pytest.raises(RuleViolation) as raised:
        voucher_issue(actor=cast.operator, customer=smc, offer=offer_get(name_or_code=DEP), face_value="30000")
    # Then it is refused under MWS-CAP-09, naming the cap; nothing is written; the refusal is audited
    assert raised.value.rules == ("MWS-CAP-09",)
    assert "$25,000.00" in raised.value.message
    assert snapshot() == before
    assert refused_event("voucher.issue")["rules"] == ["MWS-CAP-09"]


@pytest.mark.parametrize(
    ("face_value", "message"),
    [
        ("0", "must be above \\$0.00"),
        ("-75000", "cannot be negative"),
        ("seventy-five thousand", "not an amount of money"),
        ("75000.001", "at most two decimals"),
    ],
)
def test_a_malformed_face_value_is_refused(cast: Cast, adatum: Customer, face_value: str, message: str) -> None:
    mws_nominate(cast, customer=adatum, when="2023-09-01")
    deal(cast, customer=adatum, closed="2023-10-01")
    before = snapshot()
    with on("2023-10-05"), pytest.raises(InvalidInput, match=message):
        voucher_issue(actor=cast.operator, customer=adatum, offer=offer_get(name_or_code=DEP), face_value=face_value)
    assert snapshot() == before
    assert len(audit_events("voucher.issue", "refused")) == 1


def test_a_cso_voucher_is_not_issued_directly(cast: Cast, contoso: Customer) -> None:
    with on("2023-09-01"), pytest.raises(InvalidInput, match="issued when the mapped partner accepts"):
        voucher_issue(actor=cast.operator, customer=contoso, offer=offer_get(name_or_code=CSO), face_value="25000")
    assert not Voucher.objects.exists()


def test_a_partner_user_cannot_issue_a_voucher(cast: Cast, adatum: Customer) -> None:
    mws_nominate(cast, customer=adatum, when="2023-09-01")
    deal(cast, customer=adatum, closed="2023-10-01")
    with on("2023-10-05"), pytest.raises(PermissionDenied):
        voucher_issue(actor=cast.pat, customer=adatum, offer=offer_get(name_or_code=DEP), face_value="75000")
    assert not Voucher.objects.exists()
    assert len(audit_events("voucher.issue", "denied")) == 1


def test_a_customer_never_nominated_is_refused(cast: Cast, adatum: Customer) -> None:
    deal(cast, customer=adatum, closed="2023-10-01")
    before = snapshot()
    with on("2023-10-05"), pytest.raises(RuleViolation) as raised:
        voucher_issue(actor=cast.operator, customer=adatum, offer=offer_get(name_or_code=DEP), face_value="75000")
    assert raised.value.rules == ("MWS-NOM-02",)
    assert snapshot() == before


def test_a_refused_issue_without_a_nomination_cites_every_failing_rule(cast: Cast) -> None:
    # Given a US Federal customer (never nominable) with a recorded deal
    federal = customer(cast.operator, tpid="T-511", name="Federal Agency", sector="US Federal")
    deal(cast, customer=federal, closed="2023-10-01")
    with on("2023-10-05"):
        quoted = {f.rule for f in voucher_quote(customer=federal, offer=offer_get(name_or_code=DEP)).failures}
        # When a voucher is issued
        with pytest.raises(RuleViolation) as raised:
            voucher_issue(actor=cast.operator, customer=federal, offer=offer_get(name_or_code=DEP), face_value="75000")
    # Then it cites what the quote cites: the customer's type as well as the missing nomination
    assert quoted == {"MWS-ELIG-01", "MWS-ELIG-02", "MWS-NOM-02"}
    assert set(raised.value.rules) == quoted


def test_dates_out_of_order_are_refused(cast: Cast, adatum: Customer) -> None:
    # Given a deal recorded as closing on 2023-10-10, after the day the voucher is to be issued
    mws_nominate(cast, customer=adatum, when="2023-09-01")
    deal(cast, customer=adatum, closed="2023-10-10", when="2023-10-01")
    before = snapshot()
    # When it is issued on 2023-10-05; Then it is refused: the voucher comes after the purchase (MWS-NOM-03)
    with on("2023-10-05"), pytest.raises(RuleViolation) as raised:
        voucher_issue(actor=cast.operator, customer=adatum, offer=offer_get(name_or_code=DEP), face_value="75000")
    assert raised.value.rules == ("MWS-NOM-03",)
    assert snapshot() == before


def test_a_nomination_after_the_deal_closed_is_refused(cast: Cast, adatum: Customer) -> None:
    deal(cast, customer=adatum, closed="2023-10-01")
    mws_nominate(cast, customer=adatum, when="2023-10-02")
    with on("2023-10-05"), pytest.raises(RuleViolation) as raised:
        voucher_issue(actor=cast.operator, customer=adatum, offer=offer_get(name_or_code=DEP), face_value="75000")
    assert raised.value.rules == ("MWS-NOM-02",)


def test_one_deployment_voucher_per_tpid_but_copilot_combines(cast: Cast, adatum: Customer) -> None:
    # Given Adatum holds a DEP voucher (AT-M30)
    mws_voucher(cast, customer=adatum)
    # When a MD voucher is wanted; Then the nomination is refused under MWS-LIM-01
    with pytest.raises(RuleViolation) as raised:
        mws_nominate(cast, customer=adatum, offer="M365 Migration & Deployment Offer", when="2023-11-01")
    assert raised.value.rules == ("MWS-LIM-01",)
    # But a Copilot voucher is allowed alongside it
    copilot = mws_voucher(
        cast,
        customer=adatum,
        offer="M365 Copilot Deployment Offer",
        nominated="2024-04-01",
        closed="2024-04-10",
        workloads=("Microsoft 365 Copilot",),
        issued="2024-04-12",
        face_value="95000",
    )
    assert copilot.family == "COPILOT"
    # And a second Copilot voucher is refused under both of its limit rules
    with pytest.raises(RuleViolation) as raised:
        mws_nominate(cast, customer=adatum, offer="M365 Copilot Deployment Offer", when="2024-04-15")
    assert set(raised.value.rules) == {"COP-03", "MWS-LIM-02"}


# ============================================================================= cancelling and expiry


def test_a_cancelled_voucher_frees_the_tpid(cast: Cast, adatum: Customer) -> None:
    voucher = mws_voucher(cast, customer=adatum)
    with on("2023-10-06"):
        with pytest.raises(InvalidInput, match="say why"):
            voucher_cancel(actor=cast.operator, voucher=voucher, reason="  ")
        with pytest.raises(PermissionDenied):
            voucher_cancel(actor=cast.seller, voucher=voucher, reason="wrong customer")
        voucher_cancel(actor=cast.operator, voucher=voucher, reason="issued in error")
    voucher.refresh_from_db()
    assert (voucher.status, voucher.holds_limit) == (VoucherStatus.CANCELLED, False)
    # Then a new voucher may be issued against the same nomination and deal
    with on("2023-10-07"):
        again = voucher_issue(
            actor=cast.operator, customer=adatum, offer=offer_get(name_or_code=DEP), face_value="60000"
        )
    assert again.pk != voucher.pk
    assert voucher_latest_unscoped(customer=adatum, offer=offer_get(name_or_code=DEP)) == again


def test_vouchers_expire_on_their_expiry_date_once(cast: Cast, adatum: Customer) -> None:
    voucher = mws_voucher(cast, customer=adatum, issued="2023-10-05")  # expires 2024-04-05
    with on("2024-04-04"):
        assert vouchers_expire(on=dt.date(2024, 4, 4)) == 0
    with on("2024-04-05"):
        assert vouchers_expire(on=dt.date(2024, 4, 5)) == 1
        assert vouchers_expire(on=dt.date(2024, 4, 5)) == 0
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.EXPIRED
    [event] = audit_events("voucher.expire")
    assert (event.object_type, event.object_id, event.actor) == ("vouchers.voucher", str(voucher.pk), None)


# ======================================================================================== bad input


def test_no_voucher_for_a_customer_that_holds_none(cast: Cast, adatum: Customer) -> None:
    with pytest.raises(NotFound, match="Adatum holds no M365 Deployment Offer voucher"):
        voucher_latest_unscoped(customer=adatum, offer=offer_get(name_or_code=DEP))


def test_a_customer_needs_a_new_tpid_and_known_attributes(cast: Cast, adatum: Customer) -> None:
    # Given Adatum holds TPID T-500
    before = snapshot()
    # When a customer is added with T-500 again, an unknown sector and segment and a bad country code
    with on("2023-09-01"), pytest.raises(InvalidInput) as raised:
        customer_create(actor=cast.operator, tpid="T-500", name="Copy", sector="Charity", segment="Huge", country="USA")
    # Then every problem is named at once, nothing is written, and the attempt is audited
    for problem in (
        "TPID T-500 is already a customer",
        "unknown sector 'Charity'",
        "unknown segment",
        "'USA'",
    ):
        assert problem in raised.value.message
    assert snapshot() == before
    assert len(audit_events("customer.create", "refused")) == 1
    with on("2023-09-01"), pytest.raises(InvalidInput, match="a TPID is required"):
        customer_create(
            actor=cast.operator, tpid="  ", name="Blank", sector="Commercial", segment="SMC-C", country="US"
        )


# ================================================================================ open policy questions


def test_a_deal_with_an_open_policy_question_waits_for_an_operator(cast: Cast) -> None:
    # Given an MPSA deal: the FAQ asks whether it qualifies and never answers (AMB-31)
    buyer = customer(cast.operator, tpid="T-31", name="Fourth Coffee")
    mws_nominate(cast, customer=buyer, offer=DEP, when="2023-09-01")
    with on("2023-09-20"):
        deal_record(
            actor=cast.seller,
            customer=buyer,
            value="400000",
            close_date=dt.date(2023, 10, 1),
            workloads=["Microsoft 365 E3"],
            policy_questions=["MPSA"],
        )
    dep_offer = offer_get(name_or_code=DEP)
    # When it is quoted or issued without a decision, it is refused and the reason says who decides
    with on("2023-10-05"):
        quote = voucher_quote(customer=buyer, offer=dep_offer)
        assert [f.rule for f in quote.failures] == ["MWS-ELIG-03"]
        assert "a program operator must decide" in quote.failures[0].reason
        with pytest.raises(RuleViolation, match="AMB-31"):
            voucher_issue(actor=cast.operator, customer=buyer, offer=dep_offer, face_value="75000")
        # A seller cannot make that decision
        with pytest.raises(PermissionDenied):
            voucher_issue(
                actor=cast.seller, customer=buyer, offer=dep_offer, face_value="75000", policy_decision="looks fine"
            )
        # Then an operator issues it, and the decision is on the audit trail
        voucher = voucher_issue(
            actor=cast.operator,
            customer=buyer,
            offer=dep_offer,
            face_value="75000",
            policy_decision="MPSA counts as a new purchase for FY24 (PO ruling 12)",
        )
    assert voucher.face_value == Decimal("75000.00")
    [event] = audit_events("voucher.issue", "done")
    assert event.data["policy_decision"] == "MPSA counts as a new purchase for FY24 (PO ruling 12)"


def test_an_unknown_policy_question_is_refused(cast: Cast) -> None:
    buyer = customer(cast.operator, tpid="T-32", name="Fourth Coffee")
    with on("2023-09-20"), pytest.raises(InvalidInput, match="unknown policy question"):
        deal_record(
            actor=cast.seller,
            customer=buyer,
            value="400000",
            close_date=dt.date(2023, 10, 1),
            workloads=["Microsoft 365 E3"],
            policy_questions=["free lunch"],
        )
