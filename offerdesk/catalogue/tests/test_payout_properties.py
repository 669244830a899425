"""Properties of the payout rules that must hold for every input (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.params import Params, coerce_value
from offerdesk.catalogue.rules import cso
from offerdesk.catalogue.selectors import params_for
from offerdesk.core.money import split_half

MAXIMA = st.sampled_from([Decimal("25000.00"), Decimal("50000.00")])
USERS = st.integers(min_value=0, max_value=20_000)
CENTS = st.integers(min_value=0, max_value=200_000_00).map(lambda c: Decimal(c) / 100)


def defaults(**overrides: object) -> Params:
    """The CSO program's shipped parameters, with some overridden."""
    program = get_catalogue().programs["CSO"]
    values = {s.key: coerce_value(s, s.default) for s in program.file.parameters}
    values.update(overrides)
    return Params("CSO", values)


@given(
    users=USERS,
    more=st.integers(min_value=0, max_value=5_000),
    maximum=MAXIMA,
    mode=st.sampled_from(["payout_min", "seat_floor"]),
)
def test_the_cso_payout_never_exceeds_the_maximum_and_never_falls_as_users_rise(
    users: int, more: int, maximum: Decimal, mode: str
) -> None:
    params = defaults(**{"cso.cap_mode": mode})
    paid = cso.payout(params, users=users, voucher_max=maximum)
    assert Decimal(0) <= paid <= maximum
    assert cso.payout(params, users=users + more, voucher_max=maximum) >= paid
    # Whole dollars of the rate: a payout is a number of users times $15, or the maximum itself
    assert paid == maximum or paid % Decimal("15.00") == 0


@given(poe=USERS, verified=st.none() | USERS, paid=USERS, unused=st.none() | USERS)
def test_eligible_users_are_never_more_than_any_figure_that_caps_them(
    poe: int, verified: int | None, paid: int, unused: int | None
) -> None:
    users, used = cso.eligible_users(defaults(), poe=poe, verified=verified, paid=paid, unused_at_issue=unused)
    assert all(users <= figure for figure in used.values())
    assert users in used.values()


@given(base=CENTS)
def test_the_two_halves_always_add_up_to_the_base(base: Decimal) -> None:
    first, second = split_half(base)
    assert first + second == base
    assert Decimal(0) <= first <= second <= first + Decimal("0.01")


def test_the_shipped_defaults_load_for_every_program(db: None) -> None:
    for code in ("CSO", "MWS"):
        assert params_for(program_code=code, on=dt.date(2024, 1, 1))["pay.lag_days"] == 45
