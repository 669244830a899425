"""Domain errors: a refusal carries every failing rule ID with a plain reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule: its ID, whether it passed, and why."""

    rule: str
    ok: bool
    reason: str


class DomainError(Exception):
    """Something the domain refuses; the portal and the API render it, they never re-decide it."""

    code = "refused"

    def __init__(self, message: str, *, rules: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.rules: tuple[str, ...] = tuple(rules)


class RuleViolation(DomainError):
    """One or more rules of the rule book said no; every failing rule is listed."""

    code = "rule_violation"

    def __init__(self, findings: Iterable[Finding]) -> None:
        failing = [f for f in findings if not f.ok]
        if not failing:
            raise ValueError("a RuleViolation needs at least one failing finding")
        self.findings: tuple[Finding, ...] = tuple(failing)
        message = "; ".join(f"{f.rule}: {f.reason}" for f in failing)
        super().__init__(message, rules=dict.fromkeys(f.rule for f in failing))


class InvalidInput(DomainError):
    """Malformed or inconsistent input (a negative amount, dates out of order, an unknown name)."""

    code = "invalid_input"


class NotFound(DomainError):
    """The object does not exist, or the acting user may not see it."""

    code = "not_found"


class PermissionDenied(DomainError):
    """The acting user's role may not do this."""

    code = "permission_denied"


class IllegalTransition(DomainError):
    """A status change that the object's transition table does not allow."""

    code = "illegal_transition"
