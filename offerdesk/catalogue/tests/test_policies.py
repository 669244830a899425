"""One rule-book policy per kind of program: every kind the catalogue allows has one, and they differ where
the rule book says so."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.policies import POLICIES, CsoPolicy, DeploymentPolicy, RulebookPolicy, policy_for
from offerdesk.catalogue.schema import Program
from offerdesk.catalogue.tests.test_rules import params


def test_every_kind_of_program_the_catalogue_allows_has_its_policy() -> None:
    assert set(POLICIES) == set(get_args(Program.model_fields["rulebook"].annotation))
    assert all(isinstance(p, RulebookPolicy) and p.rulebook == key for key, p in POLICIES.items())


def test_every_program_of_the_catalogue_finds_its_policy() -> None:
    found = {code: type(policy_for(program)) for code, program in get_catalogue().programs.items()}
    assert found == {"CSO": CsoPolicy, "MWS": DeploymentPolicy}


def test_the_policies_decide_expiry_the_rule_books_way() -> None:
    # CSO-VAL-01: 180 days; MWS-VAL-01: six months, clamped to the end of a shorter month
    assert CsoPolicy().expiry_date(dt.date(2023, 9, 1), params("CSO")) == dt.date(2024, 2, 28)
    assert DeploymentPolicy().expiry_date(dt.date(2023, 8, 31), params("MWS")) == dt.date(2024, 2, 29)


def test_reminders_stop_at_the_poe_for_cso_and_at_the_first_request_for_fy24() -> None:
    cso, fy24 = CsoPolicy(), DeploymentPolicy()
    assert (cso.still_needs_reminder(set()), cso.still_needs_reminder({"SOW"}), cso.still_needs_reminder({"POE"})) == (
        True,
        True,
        False,
    )
    assert (fy24.still_needs_reminder(set()), fy24.still_needs_reminder({"SOW"})) == (True, False)


def test_who_is_copied_and_who_is_bound_differs_by_rule_book() -> None:
    cso, fy24 = CsoPolicy(), DeploymentPolicy()
    assert (cso.refers_nomination, cso.copies_partner_manager, cso.binds_partner_at_redemption) == (True, True, False)
    assert (fy24.refers_nomination, fy24.copies_partner_manager, fy24.binds_partner_at_redemption) == (
        False,
        False,
        True,
    )
    assert (cso.one_open_request_rule, fy24.one_open_request_rule) == ("CSO-RED-01", "MWS-LIM-04")
