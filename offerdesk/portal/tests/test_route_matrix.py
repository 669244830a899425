"""Every route × every persona answers as its row says (issue 6, point 7; ADR 10: another tenant's object is 404).

The routes are read from the URL configuration (the admin aside: Django's own, behind `is_staff`); a route
without a row in `matrix/<area>.py` fails here, and so does a row whose route is gone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import Cast

from .matrix import (
    PASSWORD,
    PERSONAS,
    Row,
    World,
    account,
    audit,
    catalogue,
    customer,
    finance,
    notices,
    partner,
    review,
    sales,
    staff,
)

AREAS = (account, staff, partner, customer, notices, sales, review, audit, catalogue, finance)
# Left out: Django's admin (tested in tests/) and the API (its own matrix, api/tests/test_operation_matrix.py).
NOT_IN_THE_MATRIX = frozenset({"admin", "api-v1"})


def matrix_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for area in AREAS:
        doubled = set(rows) & set(area.ROWS)
        assert not doubled, f"routes with two rows: {sorted(doubled)}"
        rows.update(area.ROWS)
    return rows


def route_names(patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "") -> Iterator[str]:
    """Every route's full URL name ("portal:home", "account_login"), walked from the URL configuration."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_IN_THE_MATRIX:
                continue
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            yield from route_names(pattern.url_patterns, inner)
        else:
            yield (
                f"{namespace}:{pattern.name}"
                if namespace
                else f"<unnamed route {pattern.pattern}>"
                if not (pattern.name)
                else pattern.name
            )


ROWS = matrix_rows()


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    routes = set(route_names())
    assert not [r for r in routes if r.startswith("<unnamed")], "every route has a name"
    assert sorted(routes - set(ROWS)) == [], "routes missing from the matrix (add a row in matrix/<area>.py)"
    assert sorted(set(ROWS) - routes) == [], "rows for routes that no longer exist"


@pytest.mark.parametrize("route", sorted(ROWS))
def test_route_answers_each_persona_as_its_row_says(route: str, cast: Cast) -> None:
    # Given the world of the matrix and the route's row
    world = World(cast)
    row = ROWS[route]
    url = reverse(route, kwargs=row.kwargs(world))
    answered = {}
    # When each persona asks for the route
    for persona in PERSONAS:
        client = Client()
        user = world.persona(persona)
        if user is not None:  # signed in through the sign-in page, as a person does
            signed = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
            assert signed.status_code == 302, f"{persona} could not sign in"
        response = client.post(url, row.data(world)) if row.method == "post" else client.get(url)
        answered[persona] = response.status_code
    # Then each gets the answer its row expects
    wrong = {p: f"got {answered[p]}, expected {row.expect[p]}" for p in PERSONAS if answered[p] != row.expect[p]}
    assert wrong == {}, f"{route} ({url})"
