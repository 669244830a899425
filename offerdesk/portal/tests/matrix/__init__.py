"""The route × persona matrix (issue 6, point 7): every route of the URL configuration, every persona, the answer.

Each area keeps its rows in its own module here (`account.py`, `staff.py`, `partner.py`, `customer.py`,
`notices.py`): `ROWS = {"portal:partner-vouchers": Row(expect=...), ...}`. A route of the URL configuration
without a row fails `test_route_matrix`, and so does a row for a route that no longer exists.

A row says, for each persona, the status a GET answers (a POST when `method="post"`), and how to build the URL's
arguments from the `World`: the owner's objects, so that "another partner" asks for an object not its own (404).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.customers.models import Customer
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast

# Who asks: the owner of the object, a colleague at the same partner, another partner, the object's customer,
# another customer, the FPM of another partner, each staff role, a superuser, and someone not signed in.
PERSONAS = (
    "owner",
    "colleague",
    "other_partner",
    "customer",
    "other_customer",
    "other_fpm",
    "seller",
    "operator",
    "reviewer",
    "finance",
    "auditor",
    "superuser",
    "anonymous",
)
PARTNER_PERSONAS = ("owner", "colleague", "other_partner")
CUSTOMER_PERSONAS = ("customer", "other_customer")
STAFF_PERSONAS = ("other_fpm", "seller", "operator", "reviewer", "finance", "auditor", "superuser")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
LOGIN = 302  # a page for signed-in users sends anyone else to the sign-in page
PASSWORD = "matrix-Passw0rd!"  # what each persona signs in with


class World:
    """The people and objects the matrix asks about, made when a row first needs them."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast

    @cached_property
    def contoso(self) -> Customer:
        """The owner's voucher's customer."""
        return factories.cso_customer(self.cast.operator)

    @cached_property
    def adatum(self) -> Customer:
        return factories.customer(self.cast.operator, tpid="T-600", name="Adatum")

    @cached_property
    def cso(self) -> Voucher:
        """Contoso's CSO voucher, mapped to Fabrikam (the owner's partner)."""
        return factories.cso_voucher(self.cast, customer=self.contoso)

    @cached_property
    def superuser(self) -> User:
        return User.objects.create_superuser(username="sam", email="sam@offerdesk.example", role=Role.OPERATOR)

    def persona(self, name: str) -> User | None:
        """The user who plays `name` (None: not signed in)."""
        people: dict[str, Callable[[], User | None]] = {
            "owner": lambda: self.cast.pat,
            "colleague": lambda: self.cast.paula,
            "other_partner": lambda: self.cast.nico,
            "customer": lambda: self._customer_user("cora", self.contoso),
            "other_customer": lambda: self._customer_user("cody", self.adatum),
            "other_fpm": lambda: self.cast.felix,
            "seller": lambda: self.cast.seller,
            "operator": lambda: self.cast.operator,
            "reviewer": lambda: self.cast.reviewer,
            "finance": lambda: self.cast.finance,
            "auditor": lambda: self.cast.auditor,
            "superuser": lambda: self.superuser,
            "anonymous": lambda: None,
        }
        user = people[name]()
        if user is not None and not user.check_password(PASSWORD):
            user.set_password(PASSWORD)  # operators hand out passwords; the factories make users without one
            user.save(update_fields=["password"])
        return user

    def _customer_user(self, username: str, of: Customer) -> User:
        existing = User.objects.filter(username=username).first()
        return existing or factories.customer_user(of, username)


@dataclass(frozen=True)
class Row:
    """One route: the status each persona gets, and the URL's arguments built from the world."""

    expect: Mapping[str, int]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda world: {})

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        unknown = set(self.expect) - set(PERSONAS)
        if missing or unknown:
            raise ValueError(f"a row names every persona once: missing {sorted(missing)}, unknown {sorted(unknown)}")


def answers(default: int, **overrides: int) -> dict[str, int]:
    """Every persona gets `default` except those named (`answers(404, owner=200, colleague=200)`)."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


def signed_in(status: int = 200, **overrides: int) -> dict[str, int]:
    """Every signed-in persona gets `status`; anonymous is sent to sign in."""
    return answers(status, **{"anonymous": LOGIN, **overrides})


def only(personas: tuple[str, ...], status: int = 200, *, others: int = 404, **overrides: int) -> dict[str, int]:
    """The named personas get `status`, the other signed-in ones `others`, anonymous the sign-in page."""
    return answers(others, **{p: status for p in personas}, **{"anonymous": LOGIN, **overrides})
