"""Every §3.0 parameter declares its bounds; an override outside them is refused; an override can be withdrawn."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from offerdesk.catalogue.loader import DATA_DIR, CatalogueError, load_file
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.schema import NUMERIC_TYPES, TEXT_TYPES
from offerdesk.catalogue.selectors import params_for
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from offerdesk.core.errors import InvalidInput, NotFound
from tests.factories import Cast, audit_events, on, snapshot

from .test_catalogue import MINIMAL, write

DAY = dt.date(2024, 3, 1)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("parameter", *args, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------------------ declared bounds


def test_every_shipped_parameter_declares_its_bounds() -> None:
    for path in sorted(DATA_DIR.glob("*.toml")):
        for spec in load_file(path).file.parameters:
            if spec.type in NUMERIC_TYPES:
                assert spec.minimum is not None and spec.maximum is not None, spec.key
            if spec.type in TEXT_TYPES:
                assert spec.choices is not None or spec.codes is not None, spec.key
            assert spec.bounds(), spec.key
    cso = load_file(DATA_DIR / "cso.toml")
    assert cso.parameter("expiry.cso_days").bounds() == "0 to 3,650"
    assert cso.parameter("cso.mau_threshold").bounds() == "0 to 1"
    assert cso.parameter("cso.offer_start").not_after == "cso.offer_end"
    assert load_file(DATA_DIR / "fy24_mws.toml").parameter("expiry.mws_months").bounds() == "0 to 120"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("min = 0\nmax = 3650\n", ""), "a number parameter declares its min and max"),
        (("min = 0\nmax = 3650\n", "min = 9\nmax = 1\n"), "min is above max"),
        (("default = {default}", "default = 4000"), r"4,000 is out of bounds: it takes 0 to 3,650"),
        (('type = "int"\nmin = 0\nmax = 3650\n', 'type = "str"\n'), "declares its choices or codes"),
        (('help = "days"', 'help = "days"\nnot_after = "x.end"'), "only a date parameter is not_after another"),
    ],
)
def test_a_file_without_sound_bounds_is_refused(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = MINIMAL.replace(*change).format(code="TST", offer="TO", default=3)
    with pytest.raises(CatalogueError, match=message):
        load_file(write(tmp_path, text))


def test_a_file_whose_date_pair_is_out_of_order_is_refused(tmp_path: Path) -> None:
    dates_ = (
        '\n[[parameters]]\nkey = "x.start"\ntype = "date"\nnot_after = "x.end"\ndefault = "2024-02-01"\n'
        'rules = ["X"]\nhelp = "h"\n'
        '\n[[parameters]]\nkey = "x.end"\ntype = "date"\ndefault = "2024-01-01"\nrules = ["X"]\nhelp = "h"\n'
    )
    with pytest.raises(CatalogueError, match=r"x.start \(2024-02-01\) may not be after x.end \(2024-01-01\)"):
        load_file(write(tmp_path, MINIMAL.format(code="TST", offer="TO", default=3) + dates_))


# ------------------------------------------------------------------------------ overrides out of bounds


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("expiry.cso_days", "4000", r"expiry.cso_days \(int\) cannot take '4000': 4,000 is out of bounds: it takes 0"),
        ("expiry.mws_months", 121, "it takes 0 to 120"),
        ("pay.lag_days", "-1", "must not be negative"),
        ("cso.mau_threshold", "120%", "it takes 0 to 1"),
        ("cso.mau_threshold", 0.6, "not a plain number"),
        ("cso.min_users", True, "not a boolean"),
        ("cso.rate_per_user", "1e3", "not an amount"),
        ("cso.tier_caps", "25000, 50000, 75000", "one value for each of cso.tier_bounds: 3 for 2"),
        ("reminder_days_before_expiry", "30, 9999", "9,999 is out of bounds"),
        ("business_day_calendar", "Mars", "the holidays package has no calendar 'Mars'"),
        ("mws.e1p_caribbean_members", "JM, XX", "must be an ISO 3166-1 alpha-2 country code, not 'XX'"),
        ("mws.e1p_caribbean_members", "JM,\x00", "NUL"),
        ("cso.offer_end", "2023-07-31", r"cso.offer_start \(2023-08-01\) may not be after cso.offer_end"),
        ("mws.purchase_to", "2023-06-30", r"mws.purchase_from \(2023-07-01\) may not be after mws.purchase_to"),
        ("mws.purchase_from", "2101-01-01", "a date from 2000-01-01 to 2100-12-31"),
    ],
)
def test_an_override_out_of_bounds_is_refused_by_name_and_writes_nothing(
    cast: Cast, key: str, value: object, message: str
) -> None:
    before = snapshot()
    with on("2024-02-15"), pytest.raises(InvalidInput, match=message) as refusal:
        parameter_set(actor=cast.operator, key=key, value=value)
    assert refusal.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    assert audit_events("parameter.set", "refused")


def test_values_within_bounds_are_taken(cast: Cast) -> None:
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="business_day_calendar", value="gb")
        parameter_set(actor=cast.operator, key="mws.e1p_caribbean_members", value="jm, TT")
        parameter_set(actor=cast.operator, key="cso.mau_threshold", value="55%")
        parameter_set(actor=cast.operator, key="expiry.cso_days", value="3,650")
    params = params_for(program_code="CSO", on=DAY)
    assert (params["business_day_calendar"], params["cso.mau_threshold"], params["expiry.cso_days"]) == (
        "GB",
        Decimal("0.55"),
        3650,
    )
    assert params_for(program_code="MWS", on=DAY)["mws.e1p_caribbean_members"] == ["JM", "TT"]


def test_a_later_override_of_the_other_date_keeps_the_pair_in_order(cast: Cast) -> None:
    # Given the FY24 purchase window extended to 2025-12-31 from 2024-06-01
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="mws.purchase_to", value="2025-12-31", effective_from="2024-06-01")
        # When the window's start moves to 2025-01-01 from the start: before 2024-06-01 it would end first
        with pytest.raises(InvalidInput, match=r"MWS on 2000-01-01: parameter mws.purchase_from \(2025-01-01\)"):
            parameter_set(actor=cast.operator, key="mws.purchase_from", value="2025-01-01")
        # Then from 2024-06-01 on it is in order
        parameter_set(actor=cast.operator, key="mws.purchase_from", value="2025-01-01", effective_from="2024-06-01")
    assert params_for(program_code="MWS", on=dt.date(2024, 6, 1))["mws.purchase_from"] == dt.date(2025, 1, 1)


# ------------------------------------------------------------------------------------------ withdrawal


def test_a_withdrawn_override_no_longer_applies_and_both_entries_stay(cast: Cast) -> None:
    # Given omar set a 30-day payment lag from 2024-03-01
    with on("2024-02-15"):
        override = parameter_set(actor=cast.operator, key="pay.lag_days", value="30", effective_from="2024-03-01")
    assert params_for(program_code="CSO", on=DAY)["pay.lag_days"] == 30
    # When he withdraws it
    with on("2024-02-16"):
        withdrawal = parameter_withdraw(actor=cast.operator, override_id=override.pk, reason="entered by mistake")
    # Then the default is in force again, and the override and its withdrawal are both on record
    assert params_for(program_code="CSO", on=DAY)["pay.lag_days"] == 45
    assert list(ParameterOverride.objects.order_by("id")) == [override, withdrawal]
    assert withdrawal.withdraws == override
    [event] = audit_events("parameter.withdraw", "done")
    assert (event.actor, event.data["withdraws"]) == (cast.operator, override.pk)
    assert event.data["reason"] == "entered by mistake"


def test_withdrawing_falls_back_to_the_previous_override(cast: Cast) -> None:
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="cso.min_users", value=300)
    with on("2024-02-16"):
        parameter_set(actor=cast.operator, key="cso.min_users", value=275)
        parameter_withdraw(actor=cast.operator, key="cso.min_users", reason="keep 300")
    assert params_for(program_code="CSO", on=DAY)["cso.min_users"] == 300


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"override_id": 999}, NotFound, "no override #999 in force"),
        ({"override_id": "one"}, InvalidInput, "override_id: must be a whole number"),
        ({"key": "pay.lag_days", "program_code": "CSO"}, NotFound, "no override of pay.lag_days for CSO"),
        ({"key": "pay.lag_days", "program_code": "ZZZ"}, InvalidInput, "program: must be one of CSO, MWS, not 'ZZZ'"),
        ({"key": "pay.lag_days", "effective_from": "2024-02-30"}, InvalidInput, "no such date"),
        ({}, InvalidInput, "name the override to withdraw"),
        ({"override_id": 1, "reason": ""}, InvalidInput, "reason: is required"),
    ],
)
def test_a_withdrawal_that_names_nothing_in_force_is_refused(
    cast: Cast, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="pay.lag_days", value="30", effective_from="2024-03-01")
    before = snapshot()
    with on("2024-02-16"), pytest.raises(error, match=message):
        parameter_withdraw(actor=cast.operator, **{"reason": "why", **kwargs})  # type: ignore[arg-type]
    assert snapshot() == before
    assert audit_events("parameter.withdraw", "refused")


def test_an_override_is_withdrawn_once(cast: Cast) -> None:
    with on("2024-02-15"):
        override = parameter_set(actor=cast.operator, key="pay.lag_days", value="30")
        parameter_withdraw(actor=cast.operator, override_id=override.pk, reason="mistake")
        with pytest.raises(NotFound, match=f"no override #{override.pk} in force"):
            parameter_withdraw(actor=cast.operator, override_id=override.pk, reason="again")


def test_a_withdrawal_that_would_leave_a_window_out_of_order_is_refused(cast: Cast) -> None:
    with on("2024-02-15"):
        end = parameter_set(actor=cast.operator, key="mws.purchase_to", value="2025-12-31")
        parameter_set(actor=cast.operator, key="mws.purchase_from", value="2025-01-01")
        with pytest.raises(InvalidInput, match=r"mws.purchase_from \(2025-01-01\) may not be after"):
            parameter_withdraw(actor=cast.operator, override_id=end.pk, reason="back to FY24")
    assert params_for(program_code="MWS", on=DAY)["mws.purchase_to"] == dt.date(2025, 12, 31)


# -------------------------------------------------------------------------------------------- the CLI


def test_the_command_withdraws_by_id_and_lists_the_history(cast: Cast) -> None:
    with on("2024-02-15"):
        run("set", "pay.lag_days", "30", "--user", "omar", "--program", "CSO")
        [override] = ParameterOverride.objects.all()
        printed = run("withdraw", "--id", str(override.pk), "--user", "omar", "--reason", "mistake")
    assert printed.strip() == f"override #{override.pk} withdrawn; pay.lag_days in force on 2024-02-15: CSO 45, MWS 45"
    history = run("overrides")
    assert f"#{override.pk:<5} pay.lag_days = 30 from the start [CSO] by omar on 2024-02-15 (withdrawn)" in history
    assert f"pay.lag_days: override #{override.pk} withdrawn [CSO]" in history


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "expiry.cso_days", "4000", "--user", "omar"), "it takes 0 to 3,650"),
        (
            ("set", "pay.lag_days", "30", "--user", "omar", "--from", "24-03-01"),
            "effective_from: a date is written",
        ),
        (("set", "pay.lag_days", "30", "--user", "omar", "--reason", "a\x00b"), "reason: may not hold NUL"),
        (("withdraw", "--id", "7", "--user", "omar", "--reason", "x"), "no override #7 in force"),
        (("withdraw", "--key", "pay.lag_days", "--user", "omar", "--reason", "x"), "no override of pay.lag_days"),
        (("withdraw", "--id", "7", "--user", "nobody", "--reason", "x"), "no user 'nobody'"),
        (("withdraw", "--id", "7", "--user", "omar"), "the following arguments are required: --reason"),
        (("list", "--on", "1999-12-31"), "--on: must be a date from 2000-01-01"),
    ],
)
def test_the_command_refuses_bad_input_with_the_reason(cast: Cast, args: tuple[str, ...], message: str) -> None:
    before = snapshot()
    with on("2024-02-15"), pytest.raises(CommandError, match=message):
        run(*args)
    assert snapshot() == before
