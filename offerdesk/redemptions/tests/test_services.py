"""Submitting SOW and POE requests, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from offerdesk.core.errors import InvalidInput, PermissionDenied, RuleViolation
from offerdesk.customers.services import company_group_get_or_create
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import (
    SignatureInput,
    redemption_submit,
    redemption_template_id,
)
from offerdesk.reviews.services import review_reject
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from tests.factories import (
    Cast,
    approved_sow,
    audit_events,
    cso_poe,
    customer,
    mws_voucher,
    on,
    partner,
    partner_user,
    signatures,
    snapshot,
    submit,
)


def refusal(action: str = "redemption.submit", outcome: str = "refused") -> dict[str, Any]:
    [event] = audit_events(action, outcome)
    return event.data


# ========================================================================================= submitting


def test_a_cso_sow_is_received_with_its_review_due_date(cast: Cast, cso: Voucher) -> None:
    # When Fabrikam submits the SOW on Monday 2023-10-02
    request = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="10000")
    # Then it is Received, due two business days later, and the voucher is being redeemed
    assert (request.status, request.submitted_on, request.sla_due_on) == (
        RequestStatus.RECEIVED,
        dt.date(2023, 10, 2),
        dt.date(2023, 10, 4),
    )
    assert request.value == Decimal("10000.00")
    assert sorted(request.signatures.values_list("party", flat=True)) == ["customer", "partner"]
    cso.refresh_from_db()
    assert cso.status == VoucherStatus.REDEEMING
    [event] = audit_events("redemption.submit", "done")
    assert (event.actor, event.data["kind"], event.data["sla_due_on"]) == (cast.pat, "SOW", "2023-10-04")


def test_a_fy24_sow_binds_the_partner(cast: Cast, dep: Voucher) -> None:
    # AT-M41: submitted Friday 2024-03-08 → due Wednesday 2024-03-13 (three business days)
    request = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-03-08", value="60000")
    assert request.sla_due_on == dt.date(2024, 3, 13)
    dep.refresh_from_db()
    assert (dep.partner, dep.status) == (cast.fabrikam, VoucherStatus.REDEEMING)


def test_a_sow_from_a_second_partner_is_refused_cso(cast: Cast, cso: Voucher) -> None:
    # AT-C26: Given Contoso's voucher is mapped to Fabrikam
    before = snapshot()
    # When Northwind submits a SOW against it
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.nico, voucher=cso, partner=cast.northwind, kind="SOW", when="2023-10-02")
    # Then it is refused under CSO-RED-04, nothing is written, and the refusal is audited
    assert raised.value.rules == ("CSO-RED-04",)
    assert "Northwind" in raised.value.message
    assert snapshot() == before
    assert refusal()["rules"] == ["CSO-RED-04"]


def test_a_sow_from_a_second_partner_is_refused_fy24(cast: Cast, dep: Voucher) -> None:
    # AT-M36: Given Fabrikam's SOW binds Adatum's voucher
    submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="60000")
    before = snapshot()
    # When Northwind submits its own SOW
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-11", value="60000")
    # Then it is refused under MWS-LIM-04 and nothing is written
    assert set(raised.value.rules) == {"MWS-LIM-04"}
    assert snapshot() == before
    assert "MWS-LIM-04" in refusal()["rules"]


def test_a_poe_from_a_second_partner_is_refused_fy24(cast: Cast, dep: Voucher) -> None:
    approved_sow(cast, voucher=dep, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12")
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="POE", when="2024-01-10")
    assert raised.value.rules == ("MWS-LIM-04",)


def test_a_poe_before_an_approved_sow_is_refused_cso(cast: Cast, cso: Voucher) -> None:
    # AT-C28: Given a SOW still Received
    submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-09-10")
    before = snapshot()
    # When the POE comes next day
    with pytest.raises(RuleViolation) as raised:
        cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-09-11")
    # Then it is refused under the order rule and nothing is written
    assert raised.value.rules == ("CSO-RED-01",)
    assert "waits for an approved SOW" in raised.value.message
    assert snapshot() == before
    assert refusal()["rules"] == ["CSO-RED-01"]


@pytest.mark.parametrize(("sector", "rule"), [("Commercial", "MWS-RED-01"), ("Public Sector", "MWS-RED-02")])
def test_a_poe_before_any_sow_is_refused_fy24(cast: Cast, sector: str, rule: str) -> None:
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-610", name="Tailspin", sector=sector))
    before = snapshot()
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="POE", when="2023-10-10")
    assert raised.value.rules == (rule,)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("template", "signed"),
    [
        ("own", ("customer", "partner")),
        ("program", ("partner",)),
        ("program", ("customer",)),
        ("program", ()),
    ],
)
def test_only_the_program_template_signed_by_both(
    cast: Cast, cso: Voucher, dep: Voucher, template: str, signed: tuple[str, ...]
) -> None:
    # AT-C27, AT-M37
    before = snapshot()
    for voucher, rule in ((cso, "CSO-RED-02"), (dep, "MWS-RED-03")):
        with pytest.raises(RuleViolation) as raised:
            submit(
                actor=cast.pat,
                voucher=voucher,
                partner=cast.fabrikam,
                kind="SOW",
                when="2023-10-10",
                template_id="fabrikam-own-sow-form" if template == "own" else None,
                signed=signed,
            )
        assert raised.value.rules == (rule,)
    assert snapshot() == before
    assert len(audit_events("redemption.submit", "refused")) == 2


def test_a_cso_poe_refusal_lists_every_failing_rule(cast: Cast, cso: Voucher) -> None:
    # Given no SOW yet; When Northwind sends a POE on its own form, signed only by itself, for 100 users
    before = snapshot()
    with pytest.raises(RuleViolation) as raised:
        submit(
            actor=cast.nico,
            voucher=cso,
            partner=cast.northwind,
            kind="POE",
            when="2023-10-02",
            template_id="northwind-own-poe",
            signed=("partner",),
            users=100,
            workload_users={"Teams": 100},
        )
    # Then the refusal cites every failing rule, and nothing is written
    assert set(raised.value.rules) == {
        "CSO-RED-04",
        "CSO-RED-02",
        "CSO-RED-01",
        "CSO-PAY-06",
        "CSO-WL-02",
        "CSO-USR-01",
    }
    assert snapshot() == before
    assert set(refusal()["rules"]) == set(raised.value.rules)


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"kind": "SOW", "value": "-5"}, "cannot be negative"),
        ({"kind": "SOW", "value": "lots"}, "not an amount of money"),
        ({"kind": "SOW", "value": "1.234"}, "at most two decimals"),
        ({"kind": "POE", "users": "-1"}, "users deployed: must be a whole number, zero or more"),
        ({"kind": "POE", "users": "many"}, "users deployed: must be a whole number"),
        ({"kind": "POE", "users": 300.7}, "users deployed: must be a whole number"),
        ({"kind": "POE", "users": True}, "users deployed: must be a whole number"),
        ({"kind": "POE", "users": 300, "workload_users": {"Teams": "-3"}}, "users on Teams: must be a whole number"),
        (
            {"kind": "POE", "users": 300, "workload_users": {"Power BI": 300}},
            "unknown workload\\(s\\) Power BI",
        ),
        ({"kind": "SOW", "users": 300}, "reported on the POE, not the SOW"),
        ({"kind": "XYZ"}, "a SOW or a POE, not 'XYZ'"),
    ],
)
def test_malformed_figures_are_refused(cast: Cast, cso: Voucher, figures: dict[str, Any], message: str) -> None:
    before = snapshot()
    with on("2023-10-02"), pytest.raises(InvalidInput, match=message):
        redemption_submit(
            actor=cast.pat,
            voucher=cso,
            partner=cast.fabrikam,
            kind=figures["kind"],
            template_id="CSO-SOW-2023.08",
            signatures=signatures(),
            value=figures.get("value"),
            users_deployed=figures.get("users"),
            workload_users=figures.get("workload_users"),
        )
    assert snapshot() == before
    assert len(audit_events("redemption.submit", "refused")) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([SignatureInput("customer", "A"), SignatureInput("customer", "B")], "signs at most once"),
        ([SignatureInput("witness", "A")], "signs at most once"),
        ([SignatureInput("customer", " "), SignatureInput("partner", "P")], "the signer's name"),
    ],
)
def test_malformed_signatures_are_refused(cast: Cast, cso: Voucher, given: list[SignatureInput], message: str) -> None:
    before = snapshot()
    with on("2023-10-02"), pytest.raises(InvalidInput, match=message):
        redemption_submit(
            actor=cast.pat,
            voucher=cso,
            partner=cast.fabrikam,
            kind="SOW",
            template_id=redemption_template_id(voucher=cso, kind="SOW"),
            signatures=given,
        )
    assert snapshot() == before


def test_a_partner_user_cannot_act_for_another_partner(cast: Cast, cso: Voucher, dep: Voucher) -> None:
    before = snapshot()
    # When nico (Northwind) submits as Fabrikam, or pat (Fabrikam) as Northwind
    for actor, as_partner, voucher in ((cast.nico, cast.fabrikam, cso), (cast.pat, cast.northwind, dep)):
        with pytest.raises(PermissionDenied, match="only submit a redemption request for its own partner"):
            submit(actor=actor, voucher=voucher, partner=as_partner, kind="SOW", when="2023-10-10")
    # And mira, a seller, submits for Fabrikam
    with pytest.raises(PermissionDenied, match="field seller may not submit"):
        submit(actor=cast.seller, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    # Then each is denied and audited, and nothing is written
    assert snapshot() == before
    assert [e.actor for e in audit_events("redemption.submit", "denied")] == [
        cast.nico,
        cast.pat,
        cast.seller,
    ]


def test_an_operator_may_submit_on_a_partners_behalf(cast: Cast, cso: Voucher) -> None:
    request = submit(actor=cast.operator, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    assert (request.partner, request.submitted_by) == (cast.fabrikam, cast.operator)


@pytest.mark.parametrize(("submitted", "ok"), [("2024-02-27", True), ("2024-02-28", False)])
def test_a_cso_poe_must_come_before_the_expiry_date(cast: Cast, cso: Voucher, submitted: str, ok: bool) -> None:
    # AT-C19: expiry 2024-02-28; SOW approved 2023-10-05
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    if ok:
        assert cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when=submitted).status == "received"
        return
    before = snapshot()
    with pytest.raises(RuleViolation) as raised:
        cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when=submitted)
    assert raised.value.rules == ("CSO-VAL-02",)
    assert snapshot() == before


def test_an_fy24_poe_takes_no_workload_the_offer_does_not_count(cast: Cast, dep: Voucher) -> None:
    # The FY24 offers count no workloads: a name from nowhere was stored with the POE
    approved_sow(cast, voucher=dep, submitted="2023-10-10", approved="2023-10-11")
    before = snapshot()
    with pytest.raises(
        InvalidInput, match="workload users: unknown workload\\(s\\) Fax; this offer counts no workloads"
    ):
        submit(
            actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="POE", when="2024-01-10", workload_users={"Fax": 9}
        )
    assert snapshot() == before
    assert refusal()["rules"] == ["OD-IN-01"]


def test_a_fy24_request_on_the_expiry_date_is_late(cast: Cast, dep: Voucher) -> None:
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-04-05", value="1")
    assert raised.value.rules == ("MWS-VAL-02",)
    assert submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-04-04").value is None


@pytest.mark.parametrize(
    ("workload_users", "users", "rules"),
    [
        ({"Exchange Online": 249, "Teams": 300}, 300, {"CSO-WL-02"}),  # AT-C10
        ({"Exchange Online": 300, "Teams": 300}, 200, {"CSO-USR-01"}),
        ({"Teams": 100}, None, {"CSO-WL-02", "CSO-USR-01"}),
    ],
)
def test_a_cso_poe_below_the_deployment_thresholds_is_refused_at_submission(
    cast: Cast, cso: Voucher, workload_users: dict[str, int], users: int | None, rules: set[str]
) -> None:
    # CSO-PAY-03: checked on the reported figures when the POE is submitted; nothing is recorded
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    before = snapshot()
    with pytest.raises(RuleViolation) as raised:
        submit(
            actor=cast.pat,
            voucher=cso,
            partner=cast.fabrikam,
            kind="POE",
            when="2024-01-10",
            users=users,
            workload_users=workload_users,
        )
    assert set(raised.value.rules) == rules
    assert snapshot() == before


def test_one_sow_at_a_time_and_a_rejected_one_may_be_replaced(cast: Cast, cso: Voucher) -> None:
    # Given a SOW Received
    first = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    # When a second SOW comes; Then it is refused under CSO-RED-01
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-03")
    assert raised.value.rules == ("CSO-RED-01",)
    # When the first is rejected; Then a replacement is accepted (AMB-32)
    with on("2023-10-04"):
        review_reject(actor=cast.reviewer, request=first, reason="wrong scope")
    cso.refresh_from_db()
    assert cso.status == VoucherStatus.OPEN
    second = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-05")
    assert RedemptionRequest.objects.filter(voucher=cso).count() == 2
    assert second.status == "received"


def test_a_rejected_fy24_sow_frees_the_voucher_for_another_partner(cast: Cast, dep: Voucher) -> None:
    # Given Fabrikam's SOW is rejected and it was the voucher's only request
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    with on("2023-10-11"):
        review_reject(actor=cast.reviewer, request=sow, reason="declined the work")
    dep.refresh_from_db()
    assert (dep.partner, dep.status) == (None, VoucherStatus.OPEN)
    # When the customer goes to Northwind (MWS-DEC-01); Then Northwind's SOW is accepted
    again = submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-12")
    dep.refresh_from_db()
    assert (again.partner, dep.partner) == (cast.northwind, cast.northwind)


def test_the_customers_own_company_cannot_redeem(cast: Cast) -> None:
    # AT-M35: Contoso US is an FRP; Contoso CA belongs to the same company group
    with on("2023-07-03"):
        group = company_group_get_or_create(actor=cast.operator, name="Contoso Group")
    contoso_us = customer(cast.operator, tpid="T-700", name="Contoso US", company_group=group)
    contoso_ca = partner(cast.operator, "Contoso CA", company_group=group)
    voucher = mws_voucher(cast, customer=contoso_us)
    with pytest.raises(RuleViolation) as raised:
        submit(
            actor=partner_user(contoso_ca, "carl"),
            voucher=voucher,
            partner=contoso_ca,
            kind="SOW",
            when="2023-10-10",
        )
    assert raised.value.rules == ("MWS-LIM-06",)
    assert submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10")


def test_a_cancelled_voucher_takes_no_request(cast: Cast, dep: Voucher) -> None:
    from offerdesk.vouchers.services import voucher_cancel

    with on("2023-10-06"):
        voucher_cancel(actor=cast.operator, voucher=dep, reason="issued in error")
    with pytest.raises(RuleViolation) as raised:
        submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    assert raised.value.rules == ("MWS-RED-01",)
