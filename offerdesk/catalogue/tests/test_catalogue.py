"""The catalogue files, their validation, parameter coercion and operators' overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerdesk.audit.models import AuditEvent
from offerdesk.catalogue.loader import DATA_DIR, CatalogueError, get_catalogue, load_file
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.params import coerce_value
from offerdesk.catalogue.schema import NUMERIC_TYPES, TEXT_TYPES, ParameterSpec
from offerdesk.catalogue.selectors import offer_get, params_for
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from tests.factories import Cast, audit_events, on, snapshot

MINIMAL = """
schema = 1

[program]
code = "{code}"
name = "A test program"
version = "1"
rulebook = "cso"
summary = "for tests"

[[offers]]
code = "{offer}"
name = "{offer} offer"
family = "{offer}"
limit_rules = ["X-01"]
eligible_sectors = ["Commercial"]
excluded_sectors = []
sow_template = "SOW"
poe_template = "POE"

[[templates]]
id = "SOW"
kind = "SOW"
version = "1"
title = "A test SOW"
paragraphs = ["scope"]
attestation = "signed"

[[templates]]
id = "POE"
kind = "POE"
version = "1"
title = "A test POE"
paragraphs = ["delivery"]
attestation = "signed"

[[parameters]]
key = "x.days"
type = "int"
min = 0
max = 3650
default = {default}
rules = ["X-01"]
help = "days"
"""


def spec(type_: str, default: Any, choices: list[str] | None = None, **bounds: Any) -> ParameterSpec:
    """A parameter of that type; numbers within the database's range and text from `choices` unless told."""
    if type_ in NUMERIC_TYPES:
        bounds = {"min": 0, "max": 2_147_483_647, **bounds}
    if type_ in TEXT_TYPES and choices is None:
        bounds = {"codes": "calendar", **bounds}
    return ParameterSpec.model_validate(
        {"key": f"t.{type_}", "type": type_, "default": default, "choices": choices, "rules": ["R-01"], "help": "t"}
        | bounds
    )


@pytest.fixture
def fresh_catalogue() -> Iterator[None]:
    """Reload the catalogue around a test that points it elsewhere."""
    get_catalogue.cache_clear()
    yield
    get_catalogue.cache_clear()


# ------------------------------------------------------------------------------------ shipped files


def test_the_shipped_catalogue_files_validate() -> None:
    # Given the files shipped in the package; When each is loaded; Then it validates
    loaded = {load_file(path).code: load_file(path) for path in sorted(DATA_DIR.glob("*.toml"))}
    assert set(loaded) == {"CSO", "MWS"}
    assert all(len(p.checksum) == 64 for p in loaded.values())
    catalogue = get_catalogue()
    assert set(catalogue.offers_by_code) == {"CSO", "DEP", "MD", "COP"}


def test_the_emerging_market_list_is_the_rule_books() -> None:
    # MWS-E1P-02: 40 entries, one of them a group whose members are a parameter (AMB-22)
    countries = get_catalogue().programs["MWS"].file.countries
    assert countries is not None
    assert len(countries.e1plus) == len(set(countries.e1plus)) == 39
    assert countries.e1plus_group_param == "mws.e1p_caribbean_members"
    assert {"BD", "LK", "NP", "MV", "BT", "AQ", "IN", "BR"} <= set(countries.e1plus)
    assert not {"SG", "BN", "CU"} & set(countries.e1plus)
    assert countries.never == ["CU"]


def test_every_parameter_default_is_in_force_without_overrides(db: None) -> None:
    params = params_for(program_code="CSO", on=dt.date(2024, 1, 1))
    assert params["cso.tier_bounds"] == [500, 5000]
    assert params["cso.tier_caps"] == [Decimal("25000.00"), Decimal("50000.00")]
    assert params["cso.mau_threshold"] == Decimal("0.60")
    assert params["cso.offer_end"] is None
    assert params["expiry.submit_on_expiry_date_ok"] is False
    mws = params_for(program_code="MWS", on=dt.date(2024, 1, 1))
    assert mws["mws.copilot_cap_feb5_mar31"] == Decimal("75000.00")
    assert mws["mws.e3_baseline_date"] == dt.date(2023, 6, 30)
    with pytest.raises(KeyError, match="no parameter"):
        params["mws.q4_anchor"]


def test_offers_are_found_by_name_or_code_and_an_unknown_offer_is_named(db: None) -> None:
    assert offer_get(name_or_code="M365 Deployment Offer").code == "DEP"
    assert offer_get(name_or_code="MD").name == "M365 Migration & Deployment Offer"
    # When an unknown offer is asked for; Then the message names it and lists the offers there are
    with pytest.raises(NotFound, match="unknown offer 'Surface Offer'; the catalogue has: Customer Success"):
        offer_get(name_or_code="Surface Offer")


# ------------------------------------------------------------------------------------- broken files


def write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_offer_naming_a_template_the_file_does_not_declare_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.format(code="TST", offer="TO", default=3).replace('poe_template = "POE"', 'poe_template = "SOW"')
    with pytest.raises(CatalogueError, match=r"offer TO: its POE template 'SOW' is not a declared POE template"):
        load_file(write(tmp_path, text))


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    loaded = load_file(write(tmp_path, MINIMAL.format(code="TST", offer="TO", default=3)))
    assert loaded.code == "TST"
    assert loaded.parameter("x.days").default == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema = 1\n[program\ncode = 'X'", "broken.toml: "),
        (
            MINIMAL.format(code="TST", offer="TO", default=3) + "\nsurprise = true\n",
            "Extra inputs are not permitted",
        ),
        (
            MINIMAL.format(code="TST", offer="TO", default=3).replace('rulebook = "cso"', 'rulebook = "x"'),
            "rulebook",
        ),
        (
            MINIMAL.format(code="TST", offer="TO", default=3).replace('limit_rules = ["X-01"]', "limit_rules = []"),
            "limit_rules",
        ),
        (
            MINIMAL.format(code="TST", offer="TO", default=3)
            + '\n[[parameters]]\nkey = "x.days"\ntype = "int"\nmin = 0\nmax = 9\ndefault = 1\n'
            + 'rules = ["X"]\nhelp = "h"\n',
            "parameter keys must be unique",
        ),
    ],
    ids=["toml-syntax", "unknown-key", "unknown-rulebook", "no-limit-rule", "dup"],
)
def test_a_broken_file_raises_catalogue_error_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    # Given a catalogue file that is broken in some way; When it is loaded
    with pytest.raises(CatalogueError, match=message) as raised:
        load_file(write(tmp_path, text))
    # Then the message starts with the file's name
    assert str(raised.value).startswith("broken.toml: ")


@pytest.mark.parametrize(
    ("default", "message"),
    [('"three"', r"parameter x.days \(int\) cannot take 'three'"), ("-1", "must not be negative")],
)
def test_a_default_that_does_not_fit_its_type_raises_catalogue_error(
    tmp_path: Path, default: str, message: str
) -> None:
    # Given a file whose int parameter defaults to something that is not a whole number >= 0
    path = write(tmp_path, MINIMAL.format(code="TST", offer="TO", default=default))
    # When it is loaded; Then the loader refuses it as a broken catalogue file, naming the file
    with pytest.raises(CatalogueError, match=message) as raised:
        load_file(path)
    assert str(raised.value).startswith("broken.toml: ")


def test_a_band_with_both_a_cap_and_a_cap_parameter_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.format(code="TST", offer="TO", default=3) + (
        '\n[[combination_caps]]\ncap = "1.00"\ncap_param = "x.days"\nrule = "X-01"\n'
    )
    with pytest.raises(CatalogueError, match="a band has either cap or cap_param"):
        load_file(write(tmp_path, text))


def test_a_parameter_referenced_but_not_declared_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.format(code="TST", offer="TO", default=3).replace(
        'poe_template = "POE"', 'poe_template = "POE"\ncombination_param = "x.missing"'
    )
    with pytest.raises(CatalogueError, match=r"parameters referenced but not declared: \['x.missing'\]"):
        load_file(write(tmp_path, text))


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "Caf\xe9"\n')
    with pytest.raises(CatalogueError, match=r"latin\.toml"):
        load_file(path)


def test_a_program_defined_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_catalogue: None
) -> None:
    # Given an extra catalogue folder that defines the CSO program again
    write(tmp_path, MINIMAL.format(code="CSO", offer="ZZ", default=3), "again.toml")
    monkeypatch.setenv("OFFERDESK_CATALOGUE_DIR", str(tmp_path))
    # When the catalogue loads; Then it refuses
    with pytest.raises(CatalogueError, match=r"program CSO is defined twice \(again.toml\)"):
        get_catalogue()


def test_an_extra_folder_adds_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_catalogue: None) -> None:
    write(tmp_path, MINIMAL.format(code="TST", offer="TO", default=3), "extra.toml")
    monkeypatch.setenv("OFFERDESK_CATALOGUE_DIR", str(tmp_path))
    assert set(get_catalogue().programs) == {"CSO", "MWS", "TST"}


# -------------------------------------------------------------------------------- parameter coercion


@given(text=st.text(max_size=12).filter(lambda t: not t.strip().replace(",", "").lstrip("+").isdigit()))
def test_an_int_parameter_refuses_anything_but_a_whole_number(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"parameter t.int \(int\) cannot take"):
        coerce_value(spec("int", 0), text)


@given(number=st.integers(min_value=-(10**9), max_value=-1))
def test_an_int_parameter_refuses_negative_numbers(number: int) -> None:
    with pytest.raises(InvalidInput, match="must not be negative"):
        coerce_value(spec("int", 0), number)
    with pytest.raises(InvalidInput, match="must not be negative"):
        coerce_value(spec("int", 0), str(number))


@given(number=st.integers(min_value=0, max_value=10**9))
def test_an_int_parameter_reads_whole_numbers_in_any_spelling(number: int) -> None:
    assert coerce_value(spec("int", 0), number) == number
    assert coerce_value(spec("int", 0), f"{number:,}") == number


@given(
    text=st.text(max_size=8).filter(
        lambda t: t.strip().lower() not in {"true", "yes", "1", "on", "false", "no", "0", "off"}
    )
)
def test_a_bool_parameter_refuses_anything_but_yes_or_no(text: str) -> None:
    with pytest.raises(InvalidInput, match="cannot take"):
        coerce_value(spec("bool", False), text)


@given(cents=st.integers(min_value=1, max_value=10**10))
def test_a_money_parameter_refuses_negative_amounts(cents: int) -> None:
    with pytest.raises(InvalidInput, match="cannot be negative"):
        coerce_value(spec("money", "0"), str(-Decimal(cents) / 100))


@given(values=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=5))
def test_an_int_list_reads_a_comma_separated_text(values: list[int]) -> None:
    assert coerce_value(spec("int_list", []), ", ".join(map(str, values))) == values


@pytest.mark.parametrize(
    ("type_", "raw", "expected"),
    [
        ("bool", "Yes", True),
        ("bool", "off", False),
        ("decimal", "59.9%", Decimal("0.599")),
        ("decimal", "0.6", Decimal("0.6")),
        ("money", "$75,000", Decimal("75000.00")),
        ("date", "2024-04-01", dt.date(2024, 4, 1)),
        ("optional_date", "", None),
        ("optional_date", "2024-06-30", dt.date(2024, 6, 30)),
        ("int_list", [30, 7], [30, 7]),
        ("money_list", "25000, 50000", [Decimal("25000.00"), Decimal("50000.00")]),
        ("str_list", "", []),
        ("str", "  us ", "US"),
    ],
)
def test_parameter_values_are_read_to_their_type(type_: str, raw: Any, expected: Any) -> None:
    default = {"optional_date": "", "int_list": [], "money_list": [], "str_list": []}.get(type_, raw)
    assert coerce_value(spec(type_, default), raw) == expected


@pytest.mark.parametrize(
    ("type_", "raw"),
    [
        ("decimal", "abc"),
        ("decimal", "-0.1"),
        ("decimal", "Infinity"),
        ("date", "2024-13-01"),
        ("date", "soon"),
        ("int_list", "30, -7"),
        ("int_list", "30, seven"),
        ("money_list", "25000, -1"),
        ("int", True),
        ("int", 1.5),
    ],
)
def test_malformed_parameter_values_are_refused(type_: str, raw: Any) -> None:
    default = {"decimal": "0", "date": "2024-01-01", "int": 0}.get(type_, [])
    with pytest.raises(InvalidInput, match="cannot take"):
        coerce_value(spec(type_, default), raw)


def test_a_choice_parameter_takes_only_its_choices() -> None:
    choice = spec("choice", "a", choices=["a", "b"])
    assert coerce_value(choice, " b ") == "b"
    with pytest.raises(InvalidInput, match=r"takes one of \['a', 'b'\], not 'c'"):
        coerce_value(choice, "c")
    listed = spec("str_list", ["a"], choices=["a", "b"])
    with pytest.raises(InvalidInput, match="not 'z'"):
        coerce_value(listed, "a, z")


# ------------------------------------------------------------------------------ operators' overrides


def test_an_override_takes_effect_from_its_date_and_is_audited(cast: Cast) -> None:
    # Given the default 45-day payment lag; When omar sets 30 days for the CSO from 2024-03-01
    with on("2024-02-15"):
        override = parameter_set(
            actor=cast.operator,
            key="pay.lag_days",
            value="30",
            effective_from=dt.date(2024, 3, 1),
            program_code="CSO",
            reason="finance asked",
        )
    # Then it is in force from that day for the CSO only
    assert override.value == 30
    assert params_for(program_code="CSO", on=dt.date(2024, 2, 29))["pay.lag_days"] == 45
    assert params_for(program_code="CSO", on=dt.date(2024, 3, 1))["pay.lag_days"] == 30
    assert params_for(program_code="MWS", on=dt.date(2024, 3, 1))["pay.lag_days"] == 45
    # And the change is audited with who, what and why
    [event] = audit_events("parameter.set", "done")
    assert event.actor == cast.operator
    assert event.data["key"] == "pay.lag_days"
    assert event.data["value"] == 30
    assert event.data["programs"] == ["CSO"]
    assert event.data["reason"] == "finance asked"


def test_an_override_without_a_program_applies_to_every_program_that_has_the_key(cast: Cast) -> None:
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="business_day_calendar", value="none")
    for program in ("CSO", "MWS"):
        assert params_for(program_code=program, on=dt.date(2024, 1, 1))["business_day_calendar"] == "none"


def test_the_newest_override_wins(cast: Cast) -> None:
    with on("2024-02-15"):
        parameter_set(actor=cast.operator, key="cso.min_users", value=300)
    with on("2024-02-16"):
        parameter_set(actor=cast.operator, key="cso.min_users", value=275)
    assert params_for(program_code="CSO", on=dt.date(2024, 3, 1))["cso.min_users"] == 275


@pytest.mark.parametrize(
    ("key", "value", "program_code", "message"),
    [
        ("cso.min_users", "two hundred", None, r"parameter cso.min_users \(int\) cannot take 'two hundred'"),
        ("cso.min_users", "-1", None, "must not be negative"),
        ("cso.cap_mode", "generous", None, "takes one of"),
        ("cso.tier_caps", "25000, -50000", None, "cannot be negative"),
        ("cso.no_such_thing", "1", None, "no program has a parameter 'cso.no_such_thing'"),
        ("cso.min_users", "300", "MWS", "no program has a parameter 'cso.min_users'"),
    ],
)
def test_an_invalid_override_is_refused_audited_and_writes_nothing(
    cast: Cast, key: str, value: str, program_code: str | None, message: str
) -> None:
    # Given the catalogue as shipped
    before = snapshot()
    # When omar sets a value that does not fit
    with on("2024-02-15"), pytest.raises(InvalidInput, match=message):
        parameter_set(actor=cast.operator, key=key, value=value, program_code=program_code)
    # Then nothing is written, and the refused attempt is audited
    assert snapshot() == before
    assert not ParameterOverride.objects.exists()
    [event] = audit_events("parameter.set", "refused")
    assert event.actor == cast.operator
    assert event.data["input"]["key"] == key


def test_tier_bounds_must_ascend(cast: Cast) -> None:
    # When omar sets the tier bounds in the wrong order
    with on("2024-02-15"), pytest.raises(InvalidInput):
        parameter_set(actor=cast.operator, key="cso.tier_bounds", value="5000, 500")
    # Then they are refused: with [5000, 500] a 600-seat customer would get the $50,000 tier
    assert not ParameterOverride.objects.exists()


def test_only_an_operator_may_change_a_parameter(cast: Cast) -> None:
    before = snapshot()
    for actor in (cast.seller, cast.reviewer, cast.pat):
        with on("2024-02-15"), pytest.raises(PermissionDenied, match="may not change a program parameter"):
            parameter_set(actor=actor, key="pay.lag_days", value="30")
    assert snapshot() == before
    assert [e.actor for e in audit_events("parameter.set", "denied")] == [
        cast.seller,
        cast.reviewer,
        cast.pat,
    ]
    assert not AuditEvent.objects.filter(action="parameter.set", outcome="done").exists()
