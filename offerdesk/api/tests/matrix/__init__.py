"""The operation × persona matrix of the API (issue 9, point 7), generated from the OpenAPI document.

Each area keeps its rows in its own module here (`vouchers.py`, `tokens.py`, …):
`ROWS = {"voucher_get": Op(expect=..., path=lambda world: {"code": world.cso.code})}`, keyed by operationId.
An operation of /api/v1/openapi.json without a row fails `test_operation_matrix`, and so does a row whose
operation is gone. The personas and the world are the portal matrix's (`portal/tests/matrix`): the world's
objects are the owner's, so another partner, another customer and another partner's FPM ask for an object of
another tenant — 404. Every persona calls with a read-and-write token of its own; `anonymous` sends none (401).

A row's body must leave the world as the next persona finds it: a body the service refuses (400, 422), or an
action that is already done (a second cancellation is refused the same way for everyone after the first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from offerdesk.portal.tests.matrix import PERSONAS, World, answers

__all__ = [
    "MICROSOFT_WRITE_REFUSED_INPUT",
    "PERSONAS",
    "UNAUTHENTICATED",
    "Op",
    "World",
    "answers",
    "only",
    "signed_in",
]

UNAUTHENTICATED = 401  # no token, no session: the API answers 401 (the portal sends to its sign-in page)


@dataclass(frozen=True)
class Op:
    """One operation: the status each persona gets, the path's parameters and the body, built from the world."""

    expect: Mapping[str, int]
    path: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    body: Callable[[World], Any] | None = None
    query: Callable[[World], dict[str, Any]] = field(default=lambda world: {})

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        unknown = set(self.expect) - set(PERSONAS)
        if missing or unknown:
            raise ValueError(f"an op names every persona once: missing {sorted(missing)}, unknown {sorted(unknown)}")


def signed_in(status: int = 200, **overrides: int) -> dict[str, int]:
    """Every persona with a token gets `status`; anonymous gets 401."""
    return answers(status, **{"anonymous": UNAUTHENTICATED, **overrides})


def only(personas: tuple[str, ...], status: int = 200, *, others: int = 404, **overrides: int) -> dict[str, int]:
    """The named personas get `status`, the other personas with a token `others`, anonymous 401."""
    return answers(others, **({p: status for p in personas} | {"anonymous": UNAUTHENTICATED} | overrides))


# A seller's or operator's write with a body the service refuses (400); other signed-in roles are refused the role
# (403) and another tenant's people find nothing (404): the issue of a voucher, the record of a deal.
MICROSOFT_WRITE_REFUSED_INPUT = only(
    ("seller", "operator", "superuser"),
    400,
    owner=403,
    colleague=403,
    customer=403,
    reviewer=403,
    finance=403,
    auditor=403,
)
