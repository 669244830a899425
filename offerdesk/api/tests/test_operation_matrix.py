"""Every operation of the OpenAPI document × every persona answers as its row says (issue 9, point 7; ADR 10:
another tenant's object is 404). An operation without a row in `matrix/<area>.py` fails here, and so does a
row whose operation is gone."""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import pytest
from django.test import Client

from offerdesk.api.v1 import api
from offerdesk.apikeys.services import api_token_create
from tests.factories import Cast

from . import matrix
from .matrix import PERSONAS, Op, World

# Every module of matrix/ is an area with its ROWS (one per area of the API: no list to keep here).
AREAS = [importlib.import_module(f"{matrix.__name__}.{m.name}") for m in pkgutil.iter_modules(matrix.__path__)]
PREFIX = "/api/v1"


def matrix_rows() -> dict[str, Op]:
    rows: dict[str, Op] = {}
    for area in AREAS:
        doubled = set(rows) & set(area.ROWS)
        assert not doubled, f"operations with two rows: {sorted(doubled)}"
        rows.update(area.ROWS)
    return rows


def operations() -> dict[str, tuple[str, str]]:
    """operationId → (method, path template) for every operation of the OpenAPI document."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in api.get_openapi_schema(path_prefix=PREFIX)["paths"].items():
        for method, operation in item.items():
            found[operation["operationId"]] = (method.upper(), path)
    return found


ROWS = matrix_rows()
OPERATIONS = operations()


def test_every_operation_has_a_row_and_every_row_an_operation() -> None:
    assert sorted(set(OPERATIONS) - set(ROWS)) == [], "operations missing from the matrix (add a row in matrix/)"
    assert sorted(set(ROWS) - set(OPERATIONS)) == [], "rows for operations that no longer exist"


def call(client: Client, method: str, url: str, op: Op, world: World, secret: str | None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    query = op.query(world)
    if method == "GET":
        return client.get(url, query, headers=headers)
    body = json.dumps(op.body(world)) if op.body is not None else ""
    return getattr(client, method.lower())(url, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("operation", sorted(ROWS))
def test_operation_answers_each_persona_as_its_row_says(operation: str, cast: Cast) -> None:
    # Given the world of the matrix, the operation and its row
    world = World(cast)
    row = ROWS[operation]
    method, template = OPERATIONS[operation]
    url = template.format(**row.path(world))
    answered = {}
    # When each persona calls it with a read-and-write token of its own (anonymous with none)
    for persona in PERSONAS:
        user = world.persona(persona)
        secret = api_token_create(actor=user, name="matrix", scope="write").secret if user else None
        response = call(Client(), method, url, row, world, secret)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", f"{persona}: {response.content[:200]}"
        answered[persona] = response.status_code
    # Then each gets the answer its row expects
    wrong = {p: f"got {answered[p]}, expected {row.expect[p]}" for p in PERSONAS if answered[p] != row.expect[p]}
    assert wrong == {}, f"{operation} ({method} {url})"
