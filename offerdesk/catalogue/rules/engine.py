"""Evaluating the rule book exhaustively: every rule runs, every failure is reported."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# A module import: the policies import the rule modules, so this module may be loaded while they load.
from offerdesk.catalogue import policies
from offerdesk.core.errors import Finding, RuleViolation

from .facts import RedemptionFacts, Situation, fail, ok

Stage = Literal["nominate", "issue"]


@dataclass(frozen=True)
class Quote:
    """Which cap applies, under which variant, and every finding that led there."""

    eligible: bool
    cap: Decimal | None
    variant: str | None
    findings: tuple[Finding, ...]

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    def raise_if_refused(self) -> None:
        if not self.eligible:
            raise RuleViolation(self.findings)


def quote(s: Situation) -> Quote:
    """The highest voucher value the customer may be issued on `s.on`, or why not."""
    findings, cap, variant = policies.policy_for(s.program).issue_terms(s)
    eligible = all(f.ok for f in findings)
    return Quote(eligible, cap if eligible else None, variant if eligible else None, tuple(findings))


def evaluate(stage: Stage, s: Situation) -> list[Finding]:
    """Every finding of a stage; raises RuleViolation listing every failing rule."""
    policy = policies.policy_for(s.program)
    findings = list(quote(s).findings) if stage == "issue" else policy.nomination_findings(s)
    if not all(f.ok for f in findings):
        raise RuleViolation(findings)
    return findings


def submission_findings(f: RedemptionFacts) -> list[Finding]:
    """Every rule that decides whether a SOW or POE may be submitted."""
    policy = policies.policy_for(f.program)
    if f.voucher_cancelled:
        return [fail(policy.cancelled_voucher_rule, "the voucher was cancelled")]
    return policy.submission_findings(f)


def approval_findings(f: RedemptionFacts) -> list[Finding]:
    """Every rule that decides whether a reviewer may approve a request."""
    return policies.policy_for(f.program).approval_findings(f) or [
        ok("REVIEW", "nothing stands in the way of approval")
    ]


def evaluate_redemption(stage: Literal["submit", "approve"], f: RedemptionFacts) -> list[Finding]:
    findings = submission_findings(f) if stage == "submit" else approval_findings(f)
    if not all(x.ok for x in findings):
        raise RuleViolation(findings)
    return findings
