"""The one error mapping: not found → 404, not allowed → 403, not now → 409, refusals → by field on the form."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from offerdesk.core.errors import Finding, IllegalTransition, InvalidInput, NotFound, PermissionDenied, RuleViolation
from offerdesk.core.parsing import Problems, parse_money, parse_whole
from offerdesk.portal.errors import form_status, portal_view, refusals_on


class RedeemForm(forms.Form):
    face_value = forms.CharField(label="Face value")
    users = forms.CharField(label="Users deployed")


def _raising(error: Exception):
    @portal_view
    def view(request: HttpRequest) -> HttpResponse:
        raise error

    return view


def test_not_found_is_the_404_page_and_not_allowed_the_403() -> None:
    request = RequestFactory().get("/")
    with pytest.raises(Http404, match="no such voucher"):
        _raising(NotFound("no such voucher"))(request)
    with pytest.raises(DjangoPermissionDenied, match="may not"):
        _raising(PermissionDenied("a seller may not approve"))(request)


@pytest.mark.django_db
def test_an_illegal_transition_answers_409_with_its_message() -> None:
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()  # type: ignore[attr-defined]
    response = _raising(IllegalTransition("the voucher is expired: it cannot be redeemed"))(request)
    response.render()  # type: ignore[attr-defined]
    assert response.status_code == 409
    assert "the voucher is expired: it cannot be redeemed" in response.content.decode()


def test_invalid_input_lands_by_its_field_each_problem_with_its_rule_and_the_input_kept() -> None:
    # Given a submitted form whose two values the parsing layer refuses
    form = RedeemForm({"face_value": "-5", "users": "many"})
    assert form.is_valid()
    problems = Problems()
    problems.parse(parse_money, "-5", field="face value")
    problems.parse(parse_whole, "many", field="users deployed")
    # When the service's refusal comes back
    with refusals_on(form):
        problems.raise_if_any()
    # Then each field carries its own reason with OD-IN-01, the input is kept, and the status says "bad input"
    assert form.errors["face_value"] == ["face value: cannot be negative: '-5' (OD-IN-01)"]
    [users_error] = form.errors["users"]
    assert str(users_error).startswith("users deployed: ") and str(users_error).endswith("(OD-IN-01)")
    assert form["face_value"].value() == "-5"
    assert form_status(form) == 400


def test_a_rule_violation_lists_every_rule_at_the_top_or_by_the_field_it_is_mapped_to() -> None:
    form = RedeemForm({"face_value": "75000", "users": "10"})
    assert form.is_valid()
    with refusals_on(form, rule_fields={"CSO-RED-04": "users"}):
        raise RuleViolation(
            [
                Finding("CSO-RED-02", False, "not the program's template"),
                Finding("CSO-RED-04", False, "fewer than 150 users deployed"),
                Finding("CSO-RED-05", True, "in time"),
            ]
        )
    assert form.non_field_errors() == ["CSO-RED-02: not the program's template"]
    assert form.errors["users"] == ["CSO-RED-04: fewer than 150 users deployed"]
    assert "CSO-RED-05" not in str(form.errors)
    assert form_status(form) == 422


def test_a_refusal_naming_no_field_of_the_form_goes_to_the_top() -> None:
    form = RedeemForm({"face_value": "1", "users": "1"})
    assert form.is_valid()
    with refusals_on(form):
        raise InvalidInput("partner: is not approved (OD-IN-01)", rules=("OD-IN-01",))
    assert form.non_field_errors() == ["partner: is not approved (OD-IN-01)"]


def test_a_fresh_form_answers_200() -> None:
    assert form_status(RedeemForm()) == 200
