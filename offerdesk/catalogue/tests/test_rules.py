"""The rule book as pure functions: facts in, findings out (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.params import Params, coerce_value
from offerdesk.catalogue.rules import RedemptionFacts, Situation, evaluate, evaluate_redemption, quote
from offerdesk.catalogue.rules import cso as cso_rules
from offerdesk.catalogue.rules.deployment import combination_cap
from offerdesk.catalogue.rules.engine import approval_findings, submission_findings
from offerdesk.catalogue.rules.facts import (
    CustomerFacts,
    DealFacts,
    ExistingRequest,
    HeldVoucher,
    PartnerFacts,
)
from offerdesk.catalogue.rules.redemption import payment_flow
from offerdesk.core.errors import Finding, RuleViolation

FABRIKAM = PartnerFacts(id=1, name="Fabrikam", approved=True, company_group_id=None)
NORTHWIND = PartnerFacts(id=2, name="Northwind", approved=True, company_group_id=None)
LOW_MAU = {
    "Exchange Online": Decimal("0.30"),
    "SharePoint Online": Decimal("0.20"),
    "Teams": Decimal("0.45"),
    "Microsoft 365 Apps": Decimal("0.65"),
}


def params(program: str, **overrides: Any) -> Params:
    """A program's defaults, with some values replaced (keys spelt with __ for dots)."""
    loaded = get_catalogue().programs[program]
    values = {s.key: coerce_value(s, s.default) for s in loaded.file.parameters}
    for key, raw in overrides.items():
        real = key.replace("__", ".")
        values[real] = coerce_value(loaded.parameter(real), raw)
    return Params(program, values)


def contoso(**changes: Any) -> CustomerFacts:
    """A CSO-eligible customer: Commercial, 2,000 paid Office 365 E3 seats, 500 in use, low usage."""
    base = CustomerFacts(
        tpid="T-100",
        sector="Commercial",
        segment="Enterprise",
        country="US",
        ecif_funded=False,
        company_group_id=None,
        seats_paid={"Office 365 E3": 2000},
        seats_in_use={"Office 365 E3": 500},
        mau=dict(LOW_MAU),
    )
    return dataclasses.replace(base, **changes)


def cso_situation(
    customer: CustomerFacts | None = None,
    *,
    on: str = "2023-09-01",
    overrides: dict[str, Any] | None = None,
    **more: Any,
) -> Situation:
    program, offer = get_catalogue().offer("CSO")
    return Situation(
        program=program,
        offer=offer,
        params=params("CSO", **(overrides or {})),
        on=dt.date.fromisoformat(on),
        customer=customer or contoso(),
        partner=more.pop("partner", FABRIKAM),
        **more,
    )


def adatum(**changes: Any) -> CustomerFacts:
    """A FY24-eligible customer: Commercial Enterprise in the US."""
    base = CustomerFacts(
        tpid="T-500",
        sector="Commercial",
        segment="Enterprise",
        country="US",
        ecif_funded=False,
        company_group_id=None,
    )
    return dataclasses.replace(base, **changes)


def a_deal(
    value: str = "500000.00",
    closed: str = "2023-10-01",
    workloads: tuple[str, ...] = ("Microsoft 365 E3",),
    migration: tuple[str, ...] = (),
    closed_at: dt.datetime | None = None,
) -> DealFacts:
    return DealFacts(
        value=Decimal(value),
        close_date=dt.date.fromisoformat(closed),
        closed_at=closed_at,
        workloads=frozenset(workloads),
        migration=frozenset(migration),
    )


def mws_situation(
    customer: CustomerFacts | None = None,
    *,
    offer: str = "DEP",
    deal: DealFacts | None = None,
    issued: str | None = None,
    nominated: str = "2023-08-01",
    overrides: dict[str, Any] | None = None,
    **more: Any,
) -> Situation:
    program, spec = get_catalogue().offer(offer)
    deal = deal or a_deal()
    on = dt.date.fromisoformat(issued) if issued else deal.close_date + dt.timedelta(days=2)
    nominated_on = dt.date.fromisoformat(nominated)
    return Situation(
        program=program,
        offer=spec,
        params=params("MWS", **(overrides or {})),
        on=on,
        customer=customer or adatum(),
        nominated_at=more.pop("nominated_at", dt.datetime.combine(nominated_on, dt.time(9), tzinfo=dt.UTC)),
        nominated_on=nominated_on,
        deal=deal,
        **more,
    )


def failing(findings: Any) -> set[str]:
    return {f.rule for f in findings if not f.ok}


# ================================================================================== CSO eligibility


@pytest.mark.parametrize(
    ("sector", "fails"),
    [
        ("Non-profit", {"CSO-ELIG-01", "CSO-ELIG-02"}),  # AT-C07
        ("Education", {"CSO-ELIG-01", "CSO-ELIG-02"}),
        ("CSP", set()),
        ("Government", set()),
        ("Public Sector", set()),
        ("Commercial", set()),
        ("GPP", {"CSO-ELIG-01"}),
    ],
)
def test_cso_customer_types(sector: str, fails: set[str]) -> None:
    # Given a CSO customer of a sector; When it is checked for a nomination
    q = quote(cso_situation(contoso(sector=sector)))
    # Then exactly the expected sector rules fail
    assert failing(q.findings) == fails
    assert q.eligible is (not fails)


@pytest.mark.parametrize(
    ("seats", "cap"),
    [(499, None), (500, "25000.00"), (4999, "25000.00"), (5000, "50000.00"), (5001, "50000.00")],
)
def test_cso_tiers(seats: int, cap: str | None) -> None:
    # AT-C01..C05: Given a customer with `seats` in-scope seats; When quoted
    customer = contoso(seats_paid={"Office 365 E3": seats}, seats_in_use={"Office 365 E3": 0})
    q = quote(cso_situation(customer))
    # Then below 500 it fails CSO-ELIG-05; otherwise the tier's maximum applies
    if cap is None:
        assert failing(q.findings) == {"CSO-ELIG-05"}
        assert q.cap is None
    else:
        assert q.eligible and q.cap == Decimal(cap)


def test_only_in_scope_skus_count_as_seats() -> None:
    # CSO-ELIG-03: licences of other SKUs that include Microsoft 365 Apps do not count
    customer = contoso(seats_paid={"Microsoft 365 Business Premium": 3000}, seats_in_use={})
    assert failing(quote(cso_situation(customer)).findings) == {"CSO-ELIG-03", "CSO-ELIG-05"}
    mixed = contoso(seats_paid={"Office 365 E1": 300, "Office 365 E5": 300, "Visio": 10_000})
    assert cso_rules.voucher_terms(cso_situation(mixed))[:2] == (Decimal("25000.00"), 600)


@pytest.mark.parametrize(
    ("exchange", "eligible"),
    [("0.600", False), ("0.599", True)],
)
def test_exactly_sixty_percent_usage_is_not_low(exchange: str, eligible: bool) -> None:
    # AT-C06: EXO 60.0% / 59.9%, SPO 75%, Teams 59.9%, Apps 80%
    mau = {
        "Exchange Online": Decimal(exchange),
        "SharePoint Online": Decimal("0.75"),
        "Teams": Decimal("0.599"),
        "Microsoft 365 Apps": Decimal("0.80"),
    }
    q = quote(cso_situation(contoso(mau=mau)))
    assert q.eligible is eligible
    assert ("CSO-ELIG-04" in failing(q.findings)) is (not eligible)


def test_unknown_workloads_do_not_count_towards_low_usage() -> None:
    mau = {"Power BI": Decimal("0.01"), "PowerApps": Decimal("0.01"), "Teams": Decimal("0.10")}
    assert failing(quote(cso_situation(contoso(mau=mau))).findings) == {"CSO-ELIG-04"}


def test_a_refusal_lists_every_failing_rule() -> None:
    # Given a Non-profit, 499 seats, ECIF-funded, nominated before the offer started, with a suspended partner
    customer = contoso(
        sector="Non-profit",
        ecif_funded=True,
        seats_paid={"Office 365 E3": 499},
        mau={"Teams": Decimal("0.10")},
    )
    partner = dataclasses.replace(FABRIKAM, approved=False)
    situation = cso_situation(customer, on="2023-07-20", partner=partner)
    # When the nomination is evaluated
    with pytest.raises(RuleViolation) as raised:
        evaluate("nominate", situation)
    # Then every failing rule is cited, each with its reason
    expected = {
        "CSO-GEN-01",
        "CSO-GEN-02",
        "CSO-ELIG-01",
        "CSO-ELIG-02",
        "CSO-ELIG-04",
        "CSO-ELIG-05",
        "CSO-ELIG-07",
    }
    assert set(raised.value.rules) == expected
    assert "the offer starts on 2023-08-01" in raised.value.message
    assert "ECIF" in raised.value.message


def test_cso_has_no_end_date_unless_an_operator_sets_one() -> None:
    assert quote(cso_situation(on="2030-01-01")).eligible
    q = quote(cso_situation(on="2025-01-02", overrides={"cso__offer_end": "2025-01-01"}))
    assert failing(q.findings) == {"CSO-GEN-01"}


def test_a_cso_nomination_names_a_partner() -> None:
    q = quote(cso_situation(partner=None))
    assert "CSO-NOM-02" in failing(q.findings)


def voucher(status: str, family: str = "CSO") -> HeldVoucher:
    return HeldVoucher(
        code="AAAAA",
        offer_name="Customer Success Offer",
        family=family,
        cancelled=status == "cancelled",
        expired=status == "expired",
    )


@pytest.mark.parametrize(
    ("status", "counts_expired", "refused"),
    [
        ("open", True, True),
        ("completed", True, True),
        ("expired", True, True),  # AT-C08
        ("expired", False, False),
        ("cancelled", True, False),
    ],
)
def test_one_cso_voucher_per_tpid(status: str, counts_expired: bool, refused: bool) -> None:
    customer = contoso(held=(voucher(status),))
    q = quote(cso_situation(customer, overrides={"tpid_limit_counts_expired": counts_expired}))
    assert ("CSO-ELIG-06" in failing(q.findings)) is refused


def test_a_voucher_of_another_family_does_not_count_against_the_cso() -> None:
    assert quote(cso_situation(contoso(held=(voucher("open", family="MWSDO"),)))).eligible


@pytest.mark.parametrize(("accepted", "ok"), [("2023-10-01", True), ("2023-10-02", False)])
def test_the_partner_has_thirty_days_to_accept(accepted: str, ok: bool) -> None:
    # AT-C09: notified 2023-09-01, so it must accept by 2023-10-01
    situation = cso_situation(on=accepted, respond_by=dt.date(2023, 10, 1))
    assert ("CSO-ENG-01" in failing(quote(situation).findings)) is (not ok)


def test_unused_seats_at_issue_are_paid_minus_in_use() -> None:
    customer = contoso(seats_paid={"Office 365 E3": 8000}, seats_in_use={"Office 365 E3": 6000})
    assert cso_rules.voucher_terms(cso_situation(customer)) == (Decimal("50000.00"), 8000, 2000)


# ======================================================================================= CSO payout


@pytest.mark.parametrize(
    ("workload_users", "ok"),
    [
        ({"Exchange Online": 249, "Teams": 300}, False),  # AT-C10
        ({"Exchange Online": 250, "Teams": 250}, True),  # AT-C11
        ({"Exchange Online": 251, "SharePoint Online": 251}, True),  # AT-C12
        ({"Exchange Online": 5000}, False),
    ],
)
def test_two_workloads_need_250_users_each(workload_users: dict[str, int], ok: bool) -> None:
    _, offer = get_catalogue().offer("CSO")
    finding = cso_rules.wl_02(params("CSO"), workload_users, offer.workloads)
    assert finding.ok is ok


def test_strictly_more_than_250_when_an_operator_chooses_it() -> None:
    _, offer = get_catalogue().offer("CSO")
    strict = params("CSO", cso__min_users_inclusive=False)
    assert not cso_rules.wl_02(strict, {"Exchange Online": 250, "Teams": 250}, offer.workloads).ok
    assert not cso_rules.usr_01(strict, 250).ok
    assert cso_rules.usr_01(params("CSO"), 250).ok


def test_a_poe_without_a_user_count_fails_usr_01() -> None:
    finding = cso_rules.usr_01(params("CSO"), None)
    assert (finding.rule, finding.ok) == ("CSO-USR-01", False)


@pytest.mark.parametrize(
    ("poe", "verified", "paid", "unused", "users"),
    [
        (2600, 2600, 8000, 2000, 2000),  # AT-C15
        (450, None, 600, 400, 400),  # AT-C16
        (1200, 1100, 5000, 1500, 1100),  # AT-C17
        (300, None, 250, None, 250),
    ],
)
def test_eligible_users_is_the_least_of_the_figures(
    poe: int, verified: int | None, paid: int, unused: int | None, users: int
) -> None:
    found, used = cso_rules.eligible_users(params("CSO"), poe=poe, verified=verified, paid=paid, unused_at_issue=unused)
    assert found == users
    assert None not in used.values()


@pytest.mark.parametrize(
    ("users", "voucher_max", "mode", "amount"),
    [
        (250, "25000", "payout_min", "3750.00"),  # AT-C11
        (251, "25000", "payout_min", "3765.00"),  # AT-C12
        (1666, "25000", "payout_min", "24990.00"),  # AT-C13
        (1667, "25000", "payout_min", "25000.00"),
        (3333, "50000", "payout_min", "49995.00"),  # AT-C14
        (3334, "50000", "payout_min", "50000.00"),
        (3334, "50000", "seat_floor", "49995.00"),
        (4000, "50000", "seat_floor", "49995.00"),
    ],
)
def test_payout_is_15_per_user_up_to_the_voucher_maximum(users: int, voucher_max: str, mode: str, amount: str) -> None:
    p = params("CSO", cso__cap_mode=mode)
    assert cso_rules.payout(p, users=users, voucher_max=Decimal(voucher_max)) == Decimal(amount)


@given(users=st.integers(min_value=0, max_value=100_000), tier=st.sampled_from(["25000.00", "50000.00"]))
def test_payout_never_exceeds_the_voucher_maximum(users: int, tier: str) -> None:
    amount = cso_rules.payout(params("CSO"), users=users, voucher_max=Decimal(tier))
    assert Decimal(0) <= amount <= Decimal(tier)
    assert amount == min(Decimal(15) * users, Decimal(tier))


# ================================================================================ FY24 eligibility


@pytest.mark.parametrize(
    ("sector", "fails"),
    [
        ("US Federal", {"MWS-ELIG-01", "MWS-ELIG-02"}),  # AT-M38
        ("Government", set()),
        ("CSP", {"MWS-ELIG-01", "MWS-ELIG-02"}),
        ("Non-profit", {"MWS-ELIG-01", "MWS-ELIG-02"}),
        ("GPP", {"MWS-ELIG-01", "MWS-ELIG-02"}),
        ("Education", set()),
        ("Commercial", set()),
    ],
)
def test_fy24_customer_types(sector: str, fails: set[str]) -> None:
    assert failing(quote(mws_situation(adatum(sector=sector))).findings) == fails


@pytest.mark.parametrize(
    ("closed", "ok"),
    [("2023-06-30", False), ("2023-07-01", True), ("2024-06-30", True), ("2024-07-01", False)],
)
def test_the_purchase_must_close_in_fy24(closed: str, ok: bool) -> None:
    # AT-M22
    q = quote(mws_situation(deal=a_deal(closed=closed), nominated="2023-06-01"))
    assert ("MWS-GEN-01" in failing(q.findings)) is (not ok)


def test_nominated_before_the_deal_closes_by_timestamp() -> None:
    # AT-M23: nominated 2024-03-10 09:00, deal closed 2024-03-09 → ineligible; nominated 03-08 → eligible
    closed_at = dt.datetime(2024, 3, 9, 17, 0, tzinfo=dt.UTC)
    deal = a_deal(closed="2024-03-09", closed_at=closed_at)
    late = mws_situation(deal=deal, nominated="2024-03-10")
    early = mws_situation(deal=deal, nominated="2024-03-08")
    assert "MWS-NOM-02" in failing(quote(late).findings)
    assert quote(early).eligible


def test_nominated_on_the_close_date_is_too_late_when_only_dates_are_known() -> None:
    # AMB-25: with dates only, the nomination must be strictly earlier
    q = quote(mws_situation(deal=a_deal(closed="2024-03-09"), nominated="2024-03-09"))
    assert "MWS-NOM-02" in failing(q.findings)


def test_never_nominated_and_no_deal() -> None:
    program, offer = get_catalogue().offer("DEP")
    bare = Situation(program=program, offer=offer, params=params("MWS"), on=dt.date(2024, 1, 1), customer=adatum())
    assert failing(quote(bare).findings) == {"MWS-NOM-03"}
    no_nomination = mws_situation(nominated_at=None)
    no_nomination = dataclasses.replace(no_nomination, nominated_on=None)
    assert failing(quote(no_nomination).findings) == {"MWS-NOM-02"}


def test_the_voucher_comes_after_the_purchase() -> None:
    # MWS-NOM-03: dates out of order (issued before the deal closed)
    q = quote(mws_situation(deal=a_deal(closed="2023-10-10"), issued="2023-10-09"))
    assert failing(q.findings) == {"MWS-NOM-03"}


@pytest.mark.parametrize(
    ("segment", "owned", "ok"),
    [("Enterprise", 999, True), ("Enterprise", 1000, False), ("SMC-C", 299, True), ("SMC-C", 300, False)],
)
def test_prior_e3_licences_stay_below_the_segment_limit(segment: str, owned: int, ok: bool) -> None:
    # AT-M40: counted on the baseline date 2023-06-30
    customer = adatum(segment=segment, prior_licences=(("Microsoft 365 E3", owned, dt.date(2023, 6, 30)),))
    assert ("MWS-ELIG-04" in failing(quote(mws_situation(customer)).findings)) is (not ok)


def test_licences_bought_after_the_baseline_do_not_count() -> None:
    customer = adatum(
        prior_licences=(
            ("Microsoft 365 E3", 500, dt.date(2023, 6, 30)),
            ("Microsoft 365 E3", 5000, dt.date(2023, 9, 1)),
        )
    )
    assert quote(mws_situation(customer)).eligible


def test_flw_counts_only_when_attached_and_both_rules_are_cited() -> None:
    # AT-M45: F3 with no Microsoft 365 E3/E5 in the deal cites MWS-SKU-01 and MWS-SKU-02
    alone = quote(mws_situation(deal=a_deal(workloads=("Frontline Worker F3",))))
    assert {"MWS-SKU-01", "MWS-SKU-02"} <= failing(alone.findings)
    attached = quote(mws_situation(deal=a_deal(workloads=("Frontline Worker F3", "Microsoft 365 E3"))))
    assert attached.eligible


@pytest.mark.parametrize(
    ("migration", "ok"), [((), False), (("tenant-to-tenant",), False), (("Office on-premises",), True)]
)
def test_migration_and_deployment_needs_a_migration(migration: tuple[str, ...], ok: bool) -> None:
    # AT-M39
    q = quote(mws_situation(offer="MD", deal=a_deal(migration=migration)))
    assert ("MWS-ELIG-05" in failing(q.findings)) is (not ok)


def test_an_ecif_funded_deployment_is_refused() -> None:
    assert "MWS-ELIG-06" in failing(quote(mws_situation(adatum(ecif_funded=True))).findings)


def test_a_deal_that_does_not_drive_upsell_is_refused() -> None:
    deal = dataclasses.replace(a_deal(), upsell_attested=False)
    assert failing(quote(mws_situation(deal=deal)).findings) == {"MWS-ELIG-03"}


@pytest.mark.parametrize(
    ("held", "offer", "refused"),
    [
        ("MWSDO", "MD", {"MWS-LIM-01"}),  # AT-M30
        ("MWSDO", "DEP", {"MWS-LIM-01"}),
        ("MWSDO", "COP", set()),
        ("COPILOT", "COP", {"COP-03", "MWS-LIM-02"}),
    ],
)
def test_one_voucher_per_family(held: str, offer: str, refused: set[str]) -> None:
    customer = adatum(held=(HeldVoucher(code="B", offer_name="x", family=held),))
    deal = a_deal(
        workloads=("Microsoft 365 E3", "Microsoft 365 Copilot"),
        migration=("competitor",),
        closed="2024-04-10",
    )
    q = quote(mws_situation(customer, offer=offer, deal=deal))
    assert failing(q.findings) == refused


# ===================================================================================== FY24 caps


@pytest.mark.parametrize(
    ("offer", "segment", "value", "closed", "issued", "cap"),
    [
        ("DEP", "Enterprise", "750000.00", "2024-02-10", "2024-02-12", "75000.00"),  # AT-M09
        ("DEP", "Enterprise", "900000.00", "2023-12-31", "2024-01-03", "75000.00"),  # AT-M11
        ("DEP", "SMC-C", "750000.00", "2023-09-15", "2023-09-20", "25000.00"),  # AT-M12
        ("DEP", "SMC-C", "750000.01", "2023-09-15", "2023-09-20", "50000.00"),
        ("MD", "SMC-C", "500000.00", "2024-02-20", "2024-02-22", "40000.00"),  # AT-M13
        ("MD", "SMC-C", "800000.00", "2024-02-20", "2024-02-22", "65000.00"),
        ("MD", "Enterprise", "600000.00", "2023-11-01", "2023-11-03", "100000.00"),  # AT-M14
        ("DEP", "Enterprise", "900000.00", "2024-04-20", "2024-04-25", "95000.00"),  # AT-M15
        ("DEP", "Enterprise", "950000.00", "2024-04-20", "2024-04-25", "95000.00"),  # AT-M16
        ("DEP", "SMC-C", "1200000.00", "2024-05-01", "2024-05-03", "50000.00"),  # AT-M17
        ("DEP", "Enterprise", "600000.00", "2024-04-15", "2024-04-16", "75000.00"),  # AT-M20
        ("MD", "SMC-C", "800000.00", "2024-05-10", "2024-05-12", "95000.00"),  # AT-M21
    ],
)
def test_the_highest_cap(offer: str, segment: str, value: str, closed: str, issued: str, cap: str) -> None:
    q = quote(
        mws_situation(
            adatum(segment=segment),
            offer=offer,
            deal=a_deal(value=value, closed=closed, migration=("Office on-premises",)),
            issued=issued,
        )
    )
    assert q.eligible, failing(q.findings)
    assert q.cap == Decimal(cap)


@pytest.mark.parametrize(
    ("value", "closed", "issued", "rule"),
    [
        ("750000.01", "2024-02-10", "2024-02-12", "MWS-CAP-01"),  # AT-M10
        ("900000.00", "2024-01-01", "2024-01-03", "MWS-CAP-01"),  # AT-M11
        ("950000.01", "2024-04-20", "2024-04-25", "MWS-CAP-05"),  # AT-M16
        ("900000.00", "2024-06-28", "2024-07-02", "MWS-CAP-05"),  # AT-M18: issued after Q4
        ("800000.00", "2024-03-28", "2024-04-02", "MWS-CAP-05"),  # AT-M19: closed before Q4
    ],
)
def test_large_enterprise_deals_outside_the_windows_are_ineligible(
    value: str, closed: str, issued: str, rule: str
) -> None:
    q = quote(mws_situation(deal=a_deal(value=value, closed=closed), issued=issued))
    assert not q.eligible
    assert {"MWS-CAP-01", rule} <= failing(q.findings)


def test_q4_by_issue_date_alone_when_an_operator_chooses_it() -> None:
    # AT-M19 alternative: under the issue-date anchor the deal closed 2024-03-28 and issued 04-02 gets $95,000
    q = quote(
        mws_situation(
            deal=a_deal(value="800000.00", closed="2024-03-28"),
            issued="2024-04-02",
            overrides={"mws__q4_anchor": "issue"},
        )
    )
    assert q.cap == Decimal("95000.00")


def test_above_950k_out_of_the_whole_offer_when_an_operator_chooses_it() -> None:
    # AMB-16(b): an SMC-C deal above $950K keeps the base cap by default, and is out under "deal"
    situation = mws_situation(
        adatum(segment="SMC-C"), deal=a_deal(value="1200000.00", closed="2024-05-01"), issued="2024-05-03"
    )
    assert quote(situation).cap == Decimal("50000.00")
    strict = dataclasses.replace(situation, params=params("MWS", mws__q4_950k_scope="deal"))
    assert not quote(strict).eligible


def e1p(
    country: str, *, segment: str = "SMC-C", value: str = "600000.00", closed: str = "2024-05-15", **kw: Any
) -> Any:
    customer = adatum(segment=segment, country=country)
    return quote(mws_situation(customer, deal=a_deal(value=value, closed=closed, workloads=("Office 365 E1+",)), **kw))


def test_an_e1_plus_deal_in_the_philippines() -> None:
    # AT-M24
    q = e1p("PH")
    assert (q.eligible, q.cap, q.variant) == (True, Decimal("95000.00"), "DEP-E1P")


@pytest.mark.parametrize(
    ("country", "ok"),
    [("SG", False), ("CU", False), ("BT", True), ("LK", True), ("IN", True), ("BR", True), ("AQ", True)],
)
def test_e1_plus_countries(country: str, ok: bool) -> None:
    # AT-M25: Singapore and Cuba are out; the list is used literally
    q = e1p(country)
    assert q.eligible is ok
    assert ("MWS-E1P-01" in failing(q.findings)) is (not ok)


def test_cuba_stays_out_even_when_listed_among_the_caribbean_members() -> None:
    q = e1p("CU", overrides={"mws__e1p_caribbean_members": "CU, HT"})
    assert "MWS-E1P-01" in failing(q.findings)
    assert e1p("HT", overrides={"mws__e1p_caribbean_members": "CU, HT"}).eligible


@pytest.mark.parametrize(("value", "ok"), [("635000.00", True), ("635000.01", False)])
def test_e1_plus_deal_ceiling(value: str, ok: bool) -> None:
    # AT-M26
    q = e1p("IN", value=value)
    assert q.eligible is ok
    if not ok:
        assert "MWS-CAP-07" in failing(q.findings)


@pytest.mark.parametrize(("closed", "ok"), [("2024-05-06", False), ("2024-05-07", True), ("2024-07-01", False)])
def test_e1_plus_window(closed: str, ok: bool) -> None:
    # AT-M27
    assert e1p("IN", closed=closed).eligible is ok


def test_e1_plus_is_not_for_enterprise() -> None:
    # AT-M28
    q = e1p("IN", segment="Enterprise")
    assert "MWS-E1P-01" in failing(q.findings)


def test_an_e1_plus_refusal_cites_the_variant_and_the_cap_rule() -> None:
    # AT-M29 / §3.0: an E1+-only deal above $635K in Mexico cites both E1P and CAP-07 (and the SKU rule)
    q = e1p("MX", value="700000.00", closed="2024-06-01")
    assert {"MWS-SKU-01", "MWS-CAP-07"} <= failing(q.findings)


def test_face_value_above_the_cap_is_refused() -> None:
    # AT-M44: SMC-C DEP, D $300,000, V $30,000 > $25,000
    situation = mws_situation(adatum(segment="SMC-C"), deal=a_deal(value="300000.00"), face_value=Decimal("30000.00"))
    q = quote(situation)
    assert failing(q.findings) == {"MWS-CAP-09"}
    at_cap = dataclasses.replace(situation, face_value=Decimal("25000.00"))
    assert quote(at_cap).eligible


@pytest.mark.parametrize(
    ("closed", "cap", "param"),
    [
        ("2024-02-04", "50000.00", None),  # AT-M34
        ("2024-02-05", "75000.00", None),
        ("2024-03-31", "75000.00", None),
        ("2024-03-15", "95000.00", "95000"),  # AMB-18 alternative
        ("2024-04-01", "95000.00", None),
    ],
)
def test_copilot_caps(closed: str, cap: str, param: str | None) -> None:
    overrides = {"mws__copilot_cap_feb5_mar31": param} if param else {}
    deal = a_deal(closed=closed, workloads=("Microsoft 365 Copilot",))
    assert quote(mws_situation(offer="COP", deal=deal, overrides=overrides)).cap == Decimal(cap)


def test_a_copilot_voucher_needs_copilot_in_the_deal() -> None:
    assert failing(quote(mws_situation(offer="COP")).findings) == {"COP-01"}


@pytest.mark.parametrize(
    ("segment", "closed", "cap"),
    [
        ("Enterprise", "2023-11-01", "75000.00"),  # AT-M31
        ("SMC-C", "2023-12-01", "50000.00"),  # AT-M33
        ("Enterprise", "2024-04-10", "95000.00"),  # AT-M32
        ("SMC-C", "2024-04-10", "95000.00"),
        ("Enterprise", "2024-07-01", None),
    ],
)
def test_combination_component_caps(segment: str, closed: str, cap: str | None) -> None:
    bands = get_catalogue().programs["MWS"].file.combination_caps
    found = combination_cap(bands, segment=segment, close=dt.date.fromisoformat(closed), params=params("MWS"))
    assert found == (Decimal(cap) if cap else None)


# ========================================================================================= requests


def existing_request(kind: str, status: str, *, partner_id: int) -> ExistingRequest:
    """A request already on the voucher, in one of its statuses (received, needs_info, approved, rejected)."""
    return ExistingRequest(
        kind=kind,
        partner_id=partner_id,
        is_open=status in ("received", "needs_info", "approved"),
        is_approved=status == "approved",
    )


def cso_request(kind: str = "POE", **changes: Any) -> RedemptionFacts:
    """A CSO request by the mapped partner on the program template, signed by both, before expiry."""
    program, offer = get_catalogue().offer("CSO")
    base = RedemptionFacts(
        program=program,
        offer=offer,
        params=params("CSO"),
        on=dt.date(2024, 1, 10),
        kind=kind,
        customer=contoso(),
        partner=FABRIKAM,
        voucher_partner_id=FABRIKAM.id,
        voucher_cancelled=False,
        issue_date=dt.date(2023, 9, 1),
        expiry_date=dt.date(2024, 2, 28),
        existing=(existing_request("SOW", "approved", partner_id=FABRIKAM.id),) if kind == "POE" else (),
        template_id=offer.sow_template if kind == "SOW" else offer.poe_template,
        customer_signed=True,
        partner_signed=True,
        users_deployed=600 if kind == "POE" else None,
        workload_users={"Exchange Online": 600, "Teams": 600} if kind == "POE" else {},
    )
    return dataclasses.replace(base, **changes)


def mws_request(kind: str = "SOW", sector: str = "Commercial", **changes: Any) -> RedemptionFacts:
    program, offer = get_catalogue().offer("DEP")
    base = RedemptionFacts(
        program=program,
        offer=offer,
        params=params("MWS"),
        on=dt.date(2024, 1, 10),
        kind=kind,
        customer=adatum(sector=sector),
        partner=FABRIKAM,
        voucher_partner_id=None,
        voucher_cancelled=False,
        issue_date=dt.date(2023, 10, 15),
        expiry_date=dt.date(2024, 4, 15),
        existing=(),
        template_id=offer.sow_template if kind == "SOW" else offer.poe_template,
        customer_signed=True,
        partner_signed=True,
    )
    return dataclasses.replace(base, **changes)


def test_a_good_cso_poe_passes() -> None:
    assert not failing(evaluate_redemption("submit", cso_request()))


def test_a_cso_poe_refusal_lists_every_failing_rule() -> None:
    # Given a POE from another partner, on its own form, unsigned by the customer, on the expiry date,
    # with no approved SOW and one workload deployed to 100 users
    facts = cso_request(
        partner=NORTHWIND,
        template_id="northwind-own-poe",
        customer_signed=False,
        on=dt.date(2024, 2, 28),
        existing=(),
        users_deployed=100,
        workload_users={"Teams": 100},
    )
    # When it is submitted; Then every one of those rules is cited
    with pytest.raises(RuleViolation) as raised:
        evaluate_redemption("submit", facts)
    assert set(raised.value.rules) == {
        "CSO-RED-04",
        "CSO-RED-02",
        "CSO-VAL-02",
        "CSO-RED-01",
        "CSO-PAY-06",
        "CSO-WL-02",
        "CSO-USR-01",
    }


@pytest.mark.parametrize(
    ("submitted", "same_day_ok", "ok"),
    [("2024-02-27", False, True), ("2024-02-28", False, False), ("2024-02-28", True, True)],
)
def test_a_cso_poe_must_come_before_the_expiry_date(submitted: str, same_day_ok: bool, ok: bool) -> None:
    # AT-C19
    facts = cso_request(
        on=dt.date.fromisoformat(submitted),
        params=params("CSO", expiry__submit_on_expiry_date_ok=same_day_ok),
    )
    assert ("CSO-VAL-02" in failing(submission_findings(facts))) is (not ok)


def test_a_cso_sow_may_not_be_submitted_twice_nor_on_ecif() -> None:
    facts = cso_request("SOW", existing=(existing_request("SOW", "received", partner_id=1),))
    assert failing(submission_findings(facts)) == {"CSO-RED-01"}
    replaced = cso_request("SOW", existing=(existing_request("SOW", "rejected", partner_id=1),))
    assert not failing(submission_findings(replaced))
    assert failing(submission_findings(cso_request("SOW", customer=contoso(ecif_funded=True)))) == {"CSO-ELIG-07"}


def test_the_sow_due_with_intent_reading() -> None:
    facts = cso_request("SOW", on=dt.date(2023, 10, 5), respond_by=dt.date(2023, 10, 1))
    assert not failing(submission_findings(facts))
    strict = dataclasses.replace(facts, params=params("CSO", cso__sow_due_with_intent=True))
    assert failing(submission_findings(strict)) == {"CSO-ENG-01"}


def test_a_cancelled_voucher_takes_no_request() -> None:
    assert failing(submission_findings(cso_request(voucher_cancelled=True))) == {"CSO-RED-03"}
    assert failing(submission_findings(mws_request(voucher_cancelled=True))) == {"MWS-RED-01"}


def test_a_second_partner_cannot_redeem_a_bound_fy24_voucher() -> None:
    # AT-M36: partner A's SOW binds the voucher; partner B's SOW and POE are refused
    existing = (existing_request("SOW", "approved", partner_id=FABRIKAM.id),)
    sow = mws_request(partner=NORTHWIND, voucher_partner_id=FABRIKAM.id, existing=existing)
    poe = mws_request("POE", partner=NORTHWIND, voucher_partner_id=FABRIKAM.id, existing=existing)
    assert failing(submission_findings(sow)) == {"MWS-LIM-04"}
    assert failing(submission_findings(poe)) == {"MWS-LIM-04"}


@pytest.mark.parametrize(
    ("sector", "rule"),
    [("Commercial", "MWS-RED-01"), ("Public Sector", "MWS-RED-02"), ("Education", "MWS-RED-02")],
)
def test_a_fy24_poe_waits_for_an_approved_sow(sector: str, rule: str) -> None:
    facts = mws_request("POE", sector=sector, existing=(existing_request("SOW", "received", partner_id=1),))
    assert failing(submission_findings(facts)) == {rule}


def test_the_customers_own_company_cannot_redeem() -> None:
    # AT-M35: customer Contoso US is itself an FRP; Contoso CA (same group) may not redeem
    customer = adatum(company_group_id=7)
    same = mws_request(customer=customer, partner=dataclasses.replace(FABRIKAM, company_group_id=7))
    other = mws_request(customer=customer, partner=dataclasses.replace(FABRIKAM, company_group_id=8))
    assert failing(submission_findings(same)) == {"MWS-LIM-06"}
    assert not failing(submission_findings(other))


def test_fy24_templates_signatures_and_expiry() -> None:
    # AT-M37, AT-M05
    assert failing(submission_findings(mws_request(template_id="own-form"))) == {"MWS-RED-03"}
    assert failing(submission_findings(mws_request(customer_signed=False))) == {"MWS-RED-03"}
    assert failing(submission_findings(mws_request(on=dt.date(2024, 4, 15)))) == {"MWS-VAL-02"}
    assert not failing(submission_findings(mws_request(on=dt.date(2024, 4, 14))))


def test_a_suspended_partner_cannot_redeem() -> None:
    facts = mws_request(partner=dataclasses.replace(FABRIKAM, approved=False))
    assert failing(submission_findings(facts)) == {"MWS-GEN-02"}


@pytest.mark.parametrize(("approved", "ok"), [("2024-02-28", True), ("2024-02-29", False)])
def test_a_cso_request_is_approved_by_the_expiry_date(approved: str, ok: bool) -> None:
    # AT-C20
    facts = cso_request(on=dt.date.fromisoformat(approved), verified_users=500)
    findings = approval_findings(facts)
    assert ("CSO-VAL-03" in failing(findings)) is (not ok)
    relaxed = dataclasses.replace(facts, params=params("CSO", cso__require_approval_by_expiry=False))
    assert not failing(evaluate_redemption("approve", relaxed))


def test_a_cso_poe_with_too_few_verified_users_is_not_approved() -> None:
    with pytest.raises(RuleViolation) as raised:
        evaluate_redemption("approve", cso_request(verified_users=249))
    assert raised.value.rules == ("CSO-USR-01",)


def test_a_fy24_request_may_be_approved_after_expiry_unless_an_operator_says_otherwise() -> None:
    late = mws_request(on=dt.date(2024, 5, 1))
    assert [f.rule for f in evaluate_redemption("approve", late)] == ["REVIEW"]
    strict = dataclasses.replace(late, params=params("MWS", mws__require_approval_by_expiry=True))
    with pytest.raises(RuleViolation, match="MWS-VAL-02"):
        evaluate_redemption("approve", strict)


@pytest.mark.parametrize(
    ("sector", "education_flow", "flow"),
    [
        ("Commercial", "PublicSector", "commercial"),
        ("Public Sector", "PublicSector", "public"),
        ("Government", "PublicSector", "public"),
        ("Education", "PublicSector", "public"),  # AT-M08
        ("Education", "Commercial", "commercial"),
    ],
)
def test_payment_flows(sector: str, education_flow: str, flow: str) -> None:
    assert payment_flow(sector, params("MWS", mws__education_flow=education_flow)) == flow


def test_a_rule_violation_needs_a_failing_finding() -> None:
    with pytest.raises(ValueError, match="at least one failing finding"):
        RuleViolation([Finding(rule="X-01", ok=True, reason="fine")])
    error = RuleViolation(
        [Finding("A-01", False, "first"), Finding("B-01", True, "ok"), Finding("C-01", False, "third")]
    )
    assert error.rules == ("A-01", "C-01")
    assert error.message == "A-01: first; C-01: third"
