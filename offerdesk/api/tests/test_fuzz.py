"""Schemathesis against the live OpenAPI document (issue 9, point 7): every operation the document lists — found
there, so that each new one is fuzzed as soon as it is mounted — called with generated input, valid and invalid,
at least 100 examples each, as a real token of a user who can do things (an operator, and a partner user); then
the links schemathesis infers between operations (a list → its items' pages and actions), as a state machine.

Every answer must be no server error (`not_a_server_error`); one the document describes must match its schema
(`response_schema_conformance`, `content_type_conformance`); and one it does not describe must be a problem
document (RFC 9457) — every error is one, documented or not (ADR 29).

The app is called through WSGI, in the test's own database transaction: no server to start, nothing left behind.
Bounded: OFFERDESK_FUZZ_EXAMPLES examples per operation (100), no per-example deadline (a loaded two-core machine
makes one meaningless), OFFERDESK_FUZZ_STEPS stateful steps; the whole test is measured in the report of issue 9.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import Case, CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from offerdesk.accounts.models import User
from offerdesk.api.problems import PROBLEM_JSON
from offerdesk.apikeys.models import ApiToken
from offerdesk.apikeys.services import api_token_create
from tests import factories
from tests.factories import Cast

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
EXAMPLES = int(os.environ.get("OFFERDESK_FUZZ_EXAMPLES", "100"))
STEPS = int(os.environ.get("OFFERDESK_FUZZ_STEPS", "20"))  # stateful scenarios, each up to STEP_COUNT linked calls
STEP_COUNT = 10
PROBLEM_TYPE = "urn:offerdesk:problem:"
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing kept between runs: each run explores afresh, and a failure prints its reproduction
    phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


def documented_or_problem(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A status the document lists for the operation is checked against it elsewhere; any error, listed or not,
    is a problem document with its own status; a success the document does not list is a failure."""
    documented = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    status = response.status_code
    if status >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.split(";")[0] == PROBLEM_JSON, f"{status} answered as {content_type!r}, not a problem"
        body = json.loads(response.content)
        assert body.get("status") == status and str(body.get("type", "")).startswith(PROBLEM_TYPE), body
        assert isinstance(body.get("title"), str) and isinstance(body.get("detail"), str), body
        return True
    assert str(status) in documented or f"{str(status)[0]}XX" in documented, (
        f"{status} is not among the documented statuses {sorted(documented)}"
    )
    return True


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, documented_or_problem]


@dataclass
class Findings:
    """What the run found and how much it ran, per operation."""

    calls: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, set[int]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def called(self, label: str, status: int) -> None:
        self.calls[label] = self.calls.get(label, 0) + 1
        self.statuses.setdefault(label, set()).add(status)

    def report(self) -> str:
        rows = [f"  {label}: {n} calls, statuses {sorted(self.statuses[label])}" for label, n in self.calls.items()]
        return "\n".join(rows)


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """Django's WSGI application inside the test's transaction: a request must not close the test's connection
    (Django's test client unhooks the same signal handler). Thousands of 4xx are expected: only errors are logged."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    yield WSGIHandler()
    for logger, level in zip(quiet, levels, strict=True):
        logger.setLevel(level)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def world(cast: Cast) -> None:
    """Objects for the lists and pages to show: vouchers of Fabrikam's (pat's partner) and another's."""
    contoso = factories.cso_customer(cast.operator)
    adatum = factories.customer(cast.operator, tpid="T-600", name="Adatum")
    factories.cso_voucher(cast, customer=contoso)
    factories.mws_voucher(cast, customer=adatum)


def persona(cast: Cast, name: str) -> User:
    return {"operator": cast.operator, "partner": cast.pat}[name]


@pytest.mark.parametrize("who", ["operator", "partner"])
def test_every_operation_answers_generated_input_within_its_document(
    who: str, cast: Cast, app: WSGIHandler, settings: Any
) -> None:
    # Given the live document, a world with vouchers, and a real read-write token of a user who can do things
    settings.OFFERDESK_API_RATE_LIMIT = "1000000/m"  # the rate limit has its own test; here it would cut the run
    world(cast)
    made = api_token_create(actor=persona(cast, who), name="schemathesis", scope="write")
    caller = Caller(token_id=made.token.pk, headers={"Authorization": f"Bearer {made.secret}"})
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app)
    results = list(schema.get_all_operations())
    invalid = [str(result.err()) for result in results if isinstance(result, Err)]
    assert invalid == [], f"operations the document describes badly: {invalid}"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert operations, "the document lists no operation"
    findings = Findings()
    started = time.monotonic()

    # When every operation is called with generated input, valid and invalid, EXAMPLES times
    for operation in operations:
        try:
            fuzz_operation(operation, caller, findings)
        except Exception as failure:  # every operation is fuzzed; all that failed are reported together
            findings.failures[operation.label] = f"{type(failure).__name__}: {failure}"[:3000]

    # And the links between operations are walked as a state machine (a list's items fetched, acted on)
    stateful = stateful_run(schema, caller, findings)
    elapsed = time.monotonic() - started

    # Then no answer broke its document, and each operation ran its examples
    print(f"\n{who}: {len(operations)} operations, {sum(findings.calls.values())} calls in {elapsed:.0f} s")
    print(findings.report())
    assert findings.failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in findings.failures.items())
    assert stateful is None, stateful
    too_few = {op.label: findings.calls.get(op.label, 0) for op in operations if findings.calls.get(op.label, 0) < 1}
    assert too_few == {}, f"operations never called: {too_few}"


@dataclass(frozen=True)
class Caller:
    """The fuzzing user's token. The fuzzer may revoke it (DELETE /tokens/{id} is an operation like any other,
    and its links lead there from the token list): each call first makes it live again."""

    token_id: int
    headers: dict[str, str]

    def call(self, case: Case) -> Response:
        ApiToken.objects.filter(pk=self.token_id).update(revoked_at=None)
        return case.call(headers=self.headers)


def fuzz_operation(operation: Any, caller: Caller, findings: Findings) -> None:
    """EXAMPLES generated calls of one operation, valid and invalid input alike, each answer checked."""
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @FUZZ_SETTINGS
    @given(case=strategy)
    def fuzz(case: Case) -> None:
        response = caller.call(case)
        findings.called(operation.label, response.status_code)
        case.validate_response(response, checks=CHECKS, headers=caller.headers)

    fuzz()


def stateful_run(schema: Any, caller: Caller, findings: Findings) -> str | None:
    """The inferred links as a state machine, STEPS scenarios: the failure it found, or None."""
    workflow: Any = schema.as_state_machine()

    class Linked(workflow):  # type: ignore[misc, valid-type]
        def call(self, case: Case, **kwargs: Any) -> Response:
            response = caller.call(case)
            findings.called(f"stateful {case.operation.label}", response.status_code)
            return response

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=caller.headers)

    try:
        run_state_machine_as_test(
            Linked,
            settings=settings(
                max_examples=STEPS,
                stateful_step_count=STEP_COUNT,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except Exception as failure:
        return f"{type(failure).__name__}: {failure}"[:3000]
    return None
