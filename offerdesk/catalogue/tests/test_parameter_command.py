"""The operators' parameter command drives the same service as everything else."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from offerdesk.catalogue.models import ParameterOverride
from tests.factories import Cast, audit_events, on


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("parameter", *args, stdout=out)
    return out.getvalue()


def test_an_operator_overrides_a_parameter_from_a_date(cast: Cast) -> None:
    with on("2024-02-01"):
        printed = run("set", "pay.lag_days", "30", "--user", "omar", "--from", "2024-03-01", "--reason", "FY25 terms")
    assert printed.strip() == "pay.lag_days = 30 from 2024-03-01"
    [override] = ParameterOverride.objects.all()
    assert (override.key, override.value, override.reason, override.created_by) == (
        "pay.lag_days",
        30,
        "FY25 terms",
        cast.operator,
    )
    assert len(audit_events("parameter.set", "done")) == 1
    # The listing shows the default before that date and the override from it
    assert "pay.lag_days                       45" in run("list", "--on", "2024-02-29")
    assert "pay.lag_days                       30" in run("list", "--on", "2024-03-01")


def test_a_bad_value_or_a_non_operator_is_refused_with_the_reason(cast: Cast) -> None:
    with pytest.raises(CommandError, match=r"cso.cap_mode takes one of \['payout_min', 'seat_floor'\]"):
        run("set", "cso.cap_mode", "generous", "--user", "omar")
    with pytest.raises(CommandError, match="may not change a program parameter"):
        run("set", "pay.lag_days", "30", "--user", "mira")
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("set", "pay.lag_days", "30", "--user", "nobody")
    assert not ParameterOverride.objects.exists()
