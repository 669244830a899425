"""Rules for submitting and approving SOW and POE requests, one set per rule book (see catalogue.policies)."""

from __future__ import annotations

from offerdesk.catalogue.params import Params
from offerdesk.core.errors import Finding

from . import cso
from .common import submitted_in_time
from .facts import CustomerFacts, PartnerFacts, RedemptionFacts, check, fail

PUBLIC_SECTORS = frozenset({"Public Sector", "Government"})


def payment_flow(sector: str, params: Params) -> str:
    """commercial: half on the SOW, half on the POE; public: all on the POE (MWS-PAY-02/03, AMB-21)."""
    if sector in PUBLIC_SECTORS:
        return "public"
    if sector == "Education":
        return "public" if params["mws.education_flow"] == "PublicSector" else "commercial"
    return "commercial"


def _open(f: RedemptionFacts, kind: str) -> bool:
    return any(r.kind == kind and r.is_open for r in f.existing)


def _sow_approved(f: RedemptionFacts) -> bool:
    return any(r.kind == "SOW" and r.is_approved for r in f.existing)


def _template_and_signatures(f: RedemptionFacts, rule: str) -> Finding:
    expected = f.offer.sow_template if f.kind == "SOW" else f.offer.poe_template
    problems = []
    if f.template_id != expected:
        problems.append(f"only the program's {f.kind} template ({expected}) is accepted")
    if not f.customer_signed:
        problems.append("the customer has not signed")
    if not f.partner_signed:
        problems.append("the partner has not signed")
    return check(rule, not problems, "; ".join(problems) or "program template signed by both parties")


def cso_submission_findings(f: RedemptionFacts) -> list[Finding]:
    """CSO: whether the mapped partner may submit this SOW or POE."""
    findings = [
        check(
            "CSO-RED-04",
            f.voucher_partner_id == f.partner.id,
            f"only the mapped partner can redeem this voucher; {f.partner.name} is not it",
        ),
        _template_and_signatures(f, "CSO-RED-02"),
    ]
    if f.kind == "SOW":
        findings.append(
            submitted_in_time(
                on=f.on,
                expiry=f.expiry_date,
                what="SOW",
                rule="CSO-VAL-03",
                same_day_ok=f.params["expiry.submit_on_expiry_date_ok"],
            )
        )
        if f.params["cso.sow_due_with_intent"] and f.respond_by is not None:
            findings.append(
                check(
                    "CSO-ENG-01",
                    f.on <= f.respond_by,
                    f"the SOW was due with the partner's intent, by {f.respond_by}",
                )
            )
        findings.append(
            check(
                "CSO-RED-01",
                not _open(f, "SOW"),
                "a SOW for this voucher is already received or approved; one SOW at a time",
            )
        )
        findings.append(
            check(
                "CSO-ELIG-07",
                not f.customer.ecif_funded,
                "the deployment is funded by ECIF, which this offer cannot be combined with",
            )
        )
        return findings
    findings += [
        submitted_in_time(
            on=f.on,
            expiry=f.expiry_date,
            what="POE",
            rule="CSO-VAL-02",
            same_day_ok=f.params["expiry.submit_on_expiry_date_ok"],
        ),
        check("CSO-RED-01", _sow_approved(f), "the POE waits for an approved SOW"),
        check("CSO-RED-01", not _open(f, "POE"), "a POE for this voucher is already received or approved"),
        check("CSO-PAY-06", f.customer_signed, "the POE must be signed by the customer"),
        cso.wl_02(f.params, f.workload_users, f.offer.workloads),
        cso.usr_01(f.params, f.users_deployed),
    ]
    return findings


def cso_partner_findings(customer: CustomerFacts, partner: PartnerFacts) -> tuple[Finding, ...]:
    """CSO: the partner Microsoft mapped redeems; the customer chooses no other."""
    return (fail("CSO-RED-04", "only the partner Microsoft mapped can redeem a Customer Success Offer voucher"),)


def deployment_partner_findings(customer: CustomerFacts, partner: PartnerFacts) -> tuple[Finding, Finding]:
    """FY24: whether the customer's voucher may go to this partner at all, chosen or redeeming."""
    same_group = customer.company_group_id is not None and customer.company_group_id == partner.company_group_id
    return (
        check("MWS-GEN-02", partner.approved, f"{partner.name} is not on the approved FRP list"),
        check(
            "MWS-LIM-06",
            not same_group,
            f"{partner.name} belongs to the customer's own company group and cannot redeem its voucher",
        ),
    )


def deployment_submission_findings(f: RedemptionFacts) -> list[Finding]:
    """FY24: whether this partner may submit this SOW or POE."""
    bound_elsewhere = f.voucher_partner_id is not None and f.voucher_partner_id != f.partner.id
    approved, own_group = deployment_partner_findings(f.customer, f.partner)
    findings = [
        approved,
        check(
            "MWS-LIM-04",
            not bound_elsewhere,
            "only one partner can redeem a voucher; another partner already does",
        ),
        own_group,
        _template_and_signatures(f, "MWS-RED-03"),
        submitted_in_time(
            on=f.on,
            expiry=f.expiry_date,
            what=f.kind,
            rule="MWS-VAL-02",
            same_day_ok=f.params["expiry.submit_on_expiry_date_ok"],
        ),
        check(
            "MWS-ELIG-06",
            not f.customer.ecif_funded,
            "the deployment is funded by ECIF, which this offer cannot be combined with",
        ),
    ]
    if f.kind == "SOW":
        findings.append(
            check(
                "MWS-LIM-04",
                not _open(f, "SOW"),
                "only one SOW can be submitted per voucher, and this voucher has one",
            )
        )
    else:
        order_rule = "MWS-RED-02" if payment_flow(f.customer.sector, f.params) == "public" else "MWS-RED-01"
        findings.append(check(order_rule, _sow_approved(f), "the POE waits for an approved SOW"))
        findings.append(
            check(order_rule, not _open(f, "POE"), "a POE for this voucher is already received or approved")
        )
    return findings


def cso_approval_findings(f: RedemptionFacts) -> list[Finding]:
    """CSO: approved by the expiry date (when the parameter says so), with enough verified users on a POE, on
    enough workloads when they were verified per workload."""
    findings: list[Finding] = []
    if f.params["cso.require_approval_by_expiry"]:
        findings.append(
            check(
                "CSO-VAL-03",
                f.on <= f.expiry_date,
                f"a CSO request must be approved by the voucher's expiry date ({f.expiry_date}); it is {f.on}",
            )
        )
    if f.kind == "POE" and f.verified_users is not None:
        findings.append(cso.usr_01(f.params, f.verified_users, what="verified"))
    if f.kind == "POE" and f.verified_workload_users:  # CSO-PAY-03: WL-02 again, on the verified figures
        findings.append(cso.wl_02(f.params, f.verified_workload_users, f.offer.workloads))
    return findings


def deployment_approval_findings(f: RedemptionFacts) -> list[Finding]:
    """FY24: approved by the expiry date, when the parameter says so."""
    if not f.params["mws.require_approval_by_expiry"]:
        return []
    return [
        check(
            "MWS-VAL-02",
            f.on <= f.expiry_date,
            f"the request must be approved by the voucher's expiry date ({f.expiry_date})",
        )
    ]
