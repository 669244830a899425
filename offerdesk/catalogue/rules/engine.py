"""Evaluating the rule book exhaustively: every rule runs, every failure is reported."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from offerdesk.core.errors import Finding, RuleViolation

from . import cso, deployment
from .facts import RedemptionFacts, Situation
from .redemption import approval_findings, submission_findings

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
    if s.program.file.program.rulebook == "cso":
        findings = cso.issue_findings(s)
        eligible = all(f.ok for f in findings)
        cap = cso.voucher_terms(s)[0] if eligible else None
        return Quote(eligible, cap, s.offer.code if eligible else None, tuple(findings))
    findings, cap, variant = deployment.issue_findings(s)
    eligible = all(f.ok for f in findings)
    return Quote(eligible, cap if eligible else None, variant if eligible else None, tuple(findings))


def evaluate(stage: Stage, s: Situation) -> list[Finding]:
    """Every finding of a stage; raises RuleViolation listing every failing rule."""
    if stage == "issue":
        findings = list(quote(s).findings)
    elif s.program.file.program.rulebook == "cso":
        findings = cso.nomination_findings(s)
    else:
        findings = deployment.nomination_findings(s)
    if not all(f.ok for f in findings):
        raise RuleViolation(findings)
    return findings


def evaluate_redemption(stage: Literal["submit", "approve"], f: RedemptionFacts) -> list[Finding]:
    findings = submission_findings(f) if stage == "submit" else approval_findings(f)
    if not all(x.ok for x in findings):
        raise RuleViolation(findings)
    return findings
