"""One rule-book policy per kind of program: every decision that differs between the Customer Success
Offer and the FY24 deployment programs, in one place (ADR 5).

A policy holds pure decisions — which rules, which parameters, who is copied, which payout computation —
and the rule functions of its rule book. It knows no domain app: where a decision needs domain code, the
policy names it (e.g. `payout_calculator`) and the domain app keeps the registry of implementations.
A new kind of program is one new policy class here (and, at most, one entry in such a registry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Protocol

from offerdesk.core import dates
from offerdesk.core.errors import Finding

from .rules import cso, deployment, redemption

if TYPE_CHECKING:
    from .params import Params
    from .rules.facts import CustomerFacts, PartnerFacts, RedemptionFacts, Situation


class HasRulebook(Protocol):
    """A program row or a loaded program file: both say which rule book they follow."""

    @property
    def rulebook(self) -> str: ...


@dataclass(frozen=True)
class VoucherTerms:
    """What a new voucher is worth and the figures frozen at its issue."""

    face_value: Decimal
    paid_in_scope_at_issue: int | None = None
    unused_at_issue: int | None = None


class RulebookPolicy:
    """The decisions one kind of program makes its own way."""

    rulebook: ClassVar[str]
    # The rules cited when someone may not nominate under this program.
    nomination_rules: ClassVar[tuple[str, ...]]
    # The nomination maps one partner and is referred to it; the voucher is issued when it accepts.
    refers_nomination: ClassVar[bool]
    # Every e-mail to the partner copies its FastTrack program manager.
    copies_partner_manager: ClassVar[bool]
    # The first redemption binds the partner; once none of its requests is live, the partner is released.
    binds_partner_at_redemption: ClassVar[bool]
    # Voucher notices go to the partner (else to the customer and its account team).
    notifies_partner_of_voucher: ClassVar[bool]
    # The customer chooses the partner that redeems its voucher (else Microsoft mapped one).
    customer_chooses_partner: ClassVar[bool]
    # The parameter holding the review SLA in business days.
    sla_days_param: ClassVar[str]
    # The parameter saying whether a request must be approved by the voucher's expiry date (AMB-08).
    approval_by_expiry_param: ClassVar[str]
    # The rule cited when a second open request of a kind loses the race for the voucher's one slot.
    one_open_request_rule: ClassVar[str]
    # The rule cited when a request is made on a cancelled voucher.
    cancelled_voucher_rule: ClassVar[str]
    # The rule cited when a document is not the program's template, or not signed by both parties.
    template_rule: ClassVar[str]
    # Which amount computation the payouts app applies to an approval.
    payout_calculator: ClassVar[str]

    def nomination_findings(self, s: Situation) -> list[Finding]:
        """Every finding of the nomination stage."""
        raise NotImplementedError

    def issue_terms(self, s: Situation) -> tuple[list[Finding], Decimal | None, str | None]:
        """The issue stage's findings, the cap and the variant (cap and variant only count when all pass)."""
        raise NotImplementedError

    def voucher_terms(self, s: Situation, *, cap: Decimal) -> VoucherTerms:
        """The face value of a voucher issued under `s` at `cap`, and what is frozen with it."""
        raise NotImplementedError

    def expiry_date(self, issue_date: dt.date, params: Params) -> dt.date:
        """The day a voucher issued on `issue_date` expires."""
        raise NotImplementedError

    def submission_findings(self, f: RedemptionFacts) -> list[Finding]:
        """Every rule that decides whether a SOW or POE may be submitted."""
        raise NotImplementedError

    def approval_findings(self, f: RedemptionFacts) -> list[Finding]:
        """Every rule that decides whether a reviewer may approve a request."""
        raise NotImplementedError

    def partner_choice_findings(self, customer: CustomerFacts, partner: PartnerFacts) -> tuple[Finding, ...]:
        """Every rule that decides whether the customer may take its voucher to this partner."""
        raise NotImplementedError

    def still_needs_reminder(self, live_kinds: Collection[str]) -> bool:
        """Whether a voucher with live requests of these kinds (SOW, POE) still gets expiry reminders."""
        raise NotImplementedError


class CsoPolicy(RulebookPolicy):
    """The Customer Success Offer: a mapped partner, paid per deployed user after the POE."""

    rulebook = "cso"
    nomination_rules = ("CSO-NOM-01",)
    refers_nomination = True
    copies_partner_manager = True
    binds_partner_at_redemption = False
    notifies_partner_of_voucher = True
    customer_chooses_partner = False
    sla_days_param = "cso.sla_business_days"
    approval_by_expiry_param = "cso.require_approval_by_expiry"
    one_open_request_rule = "CSO-RED-01"
    cancelled_voucher_rule = "CSO-RED-03"
    template_rule = "CSO-RED-02"
    payout_calculator = "per_user"

    def nomination_findings(self, s: Situation) -> list[Finding]:
        return cso.nomination_findings(s)

    def issue_terms(self, s: Situation) -> tuple[list[Finding], Decimal | None, str | None]:
        findings = cso.issue_findings(s)
        if not all(f.ok for f in findings):
            return findings, None, None
        return findings, cso.voucher_terms(s)[0], s.offer.code

    def voucher_terms(self, s: Situation, *, cap: Decimal) -> VoucherTerms:
        _, paid, unused = cso.voucher_terms(s)
        return VoucherTerms(face_value=cap, paid_in_scope_at_issue=paid, unused_at_issue=unused)

    def expiry_date(self, issue_date: dt.date, params: Params) -> dt.date:
        """Issue + 180 days (CSO-VAL-01)."""
        return issue_date + dt.timedelta(days=params["expiry.cso_days"])

    def submission_findings(self, f: RedemptionFacts) -> list[Finding]:
        return redemption.cso_submission_findings(f)

    def approval_findings(self, f: RedemptionFacts) -> list[Finding]:
        return redemption.cso_approval_findings(f)

    def partner_choice_findings(self, customer: CustomerFacts, partner: PartnerFacts) -> tuple[Finding, ...]:
        return redemption.cso_partner_findings(customer, partner)

    def still_needs_reminder(self, live_kinds: Collection[str]) -> bool:
        """Until the POE is in."""
        return "POE" not in live_kinds


class DeploymentPolicy(RulebookPolicy):
    """The FY24 deployment programs: a deal, a fixed face value, the partner chosen at redemption."""

    rulebook = "deployment"
    nomination_rules = ("MWS-NOM-01",)
    refers_nomination = False
    copies_partner_manager = False
    binds_partner_at_redemption = True
    notifies_partner_of_voucher = False
    customer_chooses_partner = True
    sla_days_param = "mws.sla_business_days"
    approval_by_expiry_param = "mws.require_approval_by_expiry"
    one_open_request_rule = "MWS-LIM-04"
    cancelled_voucher_rule = "MWS-RED-01"
    template_rule = "MWS-RED-03"
    payout_calculator = "face_value_split"

    def nomination_findings(self, s: Situation) -> list[Finding]:
        return deployment.nomination_findings(s)

    def issue_terms(self, s: Situation) -> tuple[list[Finding], Decimal | None, str | None]:
        return deployment.issue_findings(s)

    def voucher_terms(self, s: Situation, *, cap: Decimal) -> VoucherTerms:
        assert s.face_value is not None  # voucher_issue parsed it
        return VoucherTerms(face_value=s.face_value)

    def expiry_date(self, issue_date: dt.date, params: Params) -> dt.date:
        """Issue + 6 months, clamped to the end of a shorter month (MWS-VAL-01)."""
        return dates.add_months(issue_date, params["expiry.mws_months"])

    def submission_findings(self, f: RedemptionFacts) -> list[Finding]:
        return redemption.deployment_submission_findings(f)

    def approval_findings(self, f: RedemptionFacts) -> list[Finding]:
        return redemption.deployment_approval_findings(f)

    def partner_choice_findings(self, customer: CustomerFacts, partner: PartnerFacts) -> tuple[Finding, ...]:
        """The customer chooses any approved FRP outside its own company group (MWS-NOM-04, MWS-LIM-06)."""
        return redemption.deployment_partner_findings(customer, partner)

    def still_needs_reminder(self, live_kinds: Collection[str]) -> bool:
        """Only while the voucher has no redemptions (MWS-NOT-01)."""
        return not live_kinds


POLICIES: dict[str, RulebookPolicy] = {policy.rulebook: policy for policy in (CsoPolicy(), DeploymentPolicy())}


def policy_for(program: HasRulebook) -> RulebookPolicy:
    """The policy of a program (a `Program` row or a loaded program file)."""
    return POLICIES[program.rulebook]
