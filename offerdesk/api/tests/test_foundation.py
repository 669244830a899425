"""The API's common ground (ADR 29): tokens, problem documents, idempotency keys, the body limit, the rate limit and
cursor pages, each through real HTTP requests to /api/v1."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from offerdesk.apikeys.choices import KeyState
from offerdesk.apikeys.models import ApiToken, IdempotencyKey
from offerdesk.apikeys.services import api_token_create, api_token_revoke, idempotency_prune
from offerdesk.audit.models import AuditEvent
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast

from .client import Api, problem_of

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------ the document


def test_openapi_document_and_offline_docs_page(cast: Cast) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/api/v1/vouchers/{code}" in paths
    assert paths["/api/v1/vouchers/{code}/cancel"]["post"]["operationId"] == "voucher_cancel"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page  # served from our own static


# ------------------------------------------------------------------------------------------ tokens


def test_a_token_is_shown_once_and_stored_as_its_digest(cast: Cast) -> None:
    made = api_token_create(actor=cast.pat, name="PSA sync", scope="read", days=30)
    stored = ApiToken.objects.get(pk=made.token.pk)
    assert made.secret.startswith("odk_") and made.secret not in stored.digest
    assert stored.prefix == made.secret[4:12]
    assert stored.expires_at - stored.created_at == dt.timedelta(days=30)
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(stored.pk)).count() == 1
    listed = Api(cast.pat).get("/tokens/").json()["items"]
    assert made.secret not in json.dumps(listed) and {t["prefix"] for t in listed} >= {stored.prefix}


def test_no_token_an_unknown_one_an_expired_one_and_a_revoked_one_answer_401(cast: Cast, cso: Voucher) -> None:
    assert problem_of(Api(None).get("/vouchers/"))["type"] == "urn:offerdesk:problem:not_authenticated"
    assert Api(None, secret="odk_not-a-token").get("/vouchers/").status_code == 401
    expiring = api_token_create(actor=cast.pat, name="short", scope="read", days=1)
    with time_machine.travel(dates.now() + dt.timedelta(days=1, seconds=1)):
        assert Api(None, secret=expiring.secret).get("/vouchers/").status_code == 401
    revoked = api_token_create(actor=cast.pat, name="leaked", scope="write")
    assert Api(None, secret=revoked.secret).get("/vouchers/").status_code == 200
    api_token_revoke(actor=cast.pat, token_id=revoked.token.pk)
    response = Api(None, secret=revoked.secret).get("/vouchers/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_a_read_only_token_reads_and_writes_nothing(cast: Cast, cso: Voucher) -> None:
    reader = Api(cast.operator, "read")
    assert reader.get(f"/vouchers/{cso.code}").status_code == 200
    refused = reader.post(f"/vouchers/{cso.code}/cancel", {"reason": "duplicate"})
    assert refused.status_code == 403 and "reads only" in problem_of(refused)["detail"]
    assert Voucher.objects.get(pk=cso.pk).status == "open"


def test_a_token_of_another_partner_finds_nothing_of_ours(cast: Cast, cso: Voucher) -> None:
    response = Api(cast.nico).get(f"/vouchers/{cso.code}")
    assert response.status_code == 404 and problem_of(response)["type"] == "urn:offerdesk:problem:not_found"
    assert Api(cast.nico).get("/vouchers/").json()["items"] == []


def test_bad_token_input_is_refused_by_field(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match="scope"):
        api_token_create(actor=cast.pat, name="x", scope="admin")
    with pytest.raises(InvalidInput, match="days"):
        api_token_create(actor=cast.pat, name="x", scope="read", days=366)
    assert not ApiToken.objects.exists()


@override_settings(OFFERDESK_MFA_REQUIRED=True)
def test_a_role_that_signs_in_with_a_second_factor_makes_tokens_only_with_one(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match="second factor"):
        api_token_create(actor=cast.reviewer, name="queue script", scope="read")
    assert api_token_create(actor=cast.pat, name="PSA", scope="read").secret  # partners need none


def test_a_token_makes_no_other_token_but_the_session_does(cast: Cast) -> None:
    refused = Api(cast.pat).post("/tokens/", {"name": "more", "scope": "write"})
    assert refused.status_code == 403
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.pat)
    no_csrf = client.post("/api/v1/tokens/", {"name": "x", "scope": "read"}, content_type="application/json")
    assert no_csrf.status_code == 403
    client.get("/notices/")  # any portal page sets the CSRF cookie
    made = client.post(
        "/api/v1/tokens/",
        {"name": "CRM", "scope": "read", "days": 7},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert made.status_code == 201, made.content
    assert Api(None, secret=made.json()["secret"]).get("/tokens/").status_code == 200
    listed = Api(None, secret=made.json()["secret"]).get(f"/tokens/{made.json()['id']}").json()
    assert made.json()["created_at"] == listed["created_at"] and listed["created_at"].endswith("Z")  # UTC, always


# ------------------------------------------------------------------------------------------ problems


def test_malformed_json_unknown_fields_and_wrong_types_are_400_by_field(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    url = f"/vouchers/{cso.code}/cancel"
    not_json = problem_of(operator.send("POST", url, raw=b"{reason: nope"))
    assert not_json["status"] == 400 and not_json["rules"] == ["OD-IN-01"]
    unknown = problem_of(operator.post(url, {"reason": "dup", "force": True}))
    assert unknown["status"] == 400 and unknown["errors"][0]["field"] == "force"
    wrong_type = problem_of(operator.post(url, {"reason": ["dup"]}))
    assert wrong_type["status"] == 400 and wrong_type["errors"][0]["field"] == "reason"
    empty = problem_of(operator.post(url, {"reason": "  "}))
    assert empty["errors"] == [{"field": "reason", "message": "reason: say why the voucher is cancelled (OD-IN-01)"}]
    assert Voucher.objects.get(pk=cso.pk).status == "open"


def test_a_transition_the_table_refuses_is_409(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    assert operator.post(f"/vouchers/{cso.code}/cancel", {"reason": "duplicate"}).status_code == 200
    again = operator.post(f"/vouchers/{cso.code}/cancel", {"reason": "duplicate"})
    assert again.status_code == 409 and problem_of(again)["type"] == "urn:offerdesk:problem:illegal_transition"


def test_a_body_over_the_limit_is_refused_unread(cast: Cast, cso: Voucher) -> None:
    huge = json.dumps({"reason": "x" * (1024 * 1024)}).encode()
    response = Api(cast.operator).send("POST", f"/vouchers/{cso.code}/cancel", raw=huge)
    assert response.status_code == 413 and problem_of(response)["rules"] == ["OD-IN-01"]
    assert Voucher.objects.get(pk=cso.pk).status == "open"


@override_settings(OFFERDESK_API_RATE_LIMIT="3/m")
def test_past_the_rate_limit_429_with_retry_after(cast: Cast) -> None:
    pat = Api(cast.pat)
    assert [pat.get("/vouchers/").status_code for _ in range(3)] == [200, 200, 200]
    limited = pat.get("/vouchers/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert problem_of(limited)["type"] == "urn:offerdesk:problem:rate_limited"
    assert Api(cast.pat).get("/vouchers/").status_code == 200  # the limit is per token


# ------------------------------------------------------------------------------------------ idempotency


def _cancellations(voucher: Voucher) -> int:
    return AuditEvent.objects.filter(action="voucher.cancel", object_id=str(voucher.pk), outcome="done").count()


def test_a_replayed_key_returns_the_first_answer_with_no_second_effect(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    url = f"/vouchers/{cso.code}/cancel"
    first = operator.post(url, {"reason": "duplicate"}, key="cancel-1")
    replay = operator.post(url, {"reason": "duplicate"}, key="cancel-1")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert _cancellations(cso) == 1
    other_body = operator.post(url, {"reason": "another"}, key="cancel-1")
    assert other_body.status_code == 422 and "another request" in problem_of(other_body)["detail"]


def test_a_refusal_is_kept_too_and_keys_are_per_user(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    url = f"/vouchers/{cso.code}/cancel"
    assert operator.post(url, {"reason": ""}, key="k").status_code == 400
    assert operator.post(url, {"reason": ""}, key="k").status_code == 400  # the same answer, replayed
    olga = factories.staff_user("olga", "operator")
    assert Api(olga).post(url, {"reason": "dup"}, key="k").status_code == 200


def test_a_replay_while_the_first_is_running_is_409(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    url = f"/vouchers/{cso.code}/cancel"
    body = {"reason": "duplicate"}
    assert operator.post(url, body, key="slow").status_code == 200
    IdempotencyKey.objects.filter(key="slow").update(state=KeyState.RUNNING)  # as while the first still runs
    running = operator.post(url, body, key="slow")
    assert running.status_code == 409 and running["Retry-After"] == "1"


def test_a_bad_key_is_refused_and_old_keys_are_pruned(cast: Cast, cso: Voucher) -> None:
    operator = Api(cast.operator)
    bad = operator.post(f"/vouchers/{cso.code}/cancel", {"reason": "dup"}, key="has space")
    assert bad.status_code == 400 and problem_of(bad)["errors"][0]["field"] == "Idempotency-Key"
    assert Voucher.objects.get(pk=cso.pk).status == "open"
    operator.post(f"/vouchers/{cso.code}/cancel", {"reason": "dup"}, key="kept")
    assert idempotency_prune(now=dates.now() + dt.timedelta(hours=23)) == 0
    assert idempotency_prune(now=dates.now() + dt.timedelta(hours=25)) == 1


# ------------------------------------------------------------------------------------------ cursor pages


def _vouchers(cast: Cast, count: int, *, first: int = 700) -> list[Voucher]:
    made = []
    for n in range(first, first + count):
        customer = factories.cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
        made.append(factories.cso_voucher(cast, customer=customer))
    return made


def test_cursor_pages_cover_every_item_once_in_order(cast: Cast) -> None:
    made = _vouchers(cast, 7)
    pat = Api(cast.pat)
    seen: list[str] = []
    cursor = None
    while True:
        page = pat.get("/vouchers/", {"limit": 3, "ordering": "code", **({"cursor": cursor} if cursor else {})}).json()
        seen += [v["code"] for v in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted(v.code for v in made)
    assert problem_of(pat.get("/vouchers/", {"limit": 201}))["errors"][0]["field"] == "limit"
    assert problem_of(pat.get("/vouchers/", {"cursor": "garbage!"}))["errors"][0]["field"] == "cursor"
    assert problem_of(pat.get("/vouchers/", {"ordering": "face_value"}))["errors"][0]["field"] == "ordering"


def _queries(api: Api, path: str, params: dict[str, object]) -> int:
    api.get(path, params)  # the token's last use is written on the first call
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path, params).status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_with_one_item_and_with_fifty(cast: Cast) -> None:
    _vouchers(cast, 1)
    pat = Api(cast.pat)
    one = _queries(pat, "/vouchers/", {"limit": 50})
    _vouchers(cast, 49, first=800)
    fifty = _queries(pat, "/vouchers/", {"limit": 50})
    assert one == fifty == 2  # the token with its user, the page


@override_settings(OFFERDESK_MFA_REQUIRED=True)
def test_a_session_without_its_second_factor_is_refused_in_a_problem_not_redirected(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.reviewer)
    response = client.get("/api/v1/vouchers/")
    assert response.status_code == 403 and "second factor" in problem_of(response)["detail"]


# ------------------------------------------------------------------------------------------ whole numbers


@pytest.mark.parametrize("huge", [2**63, -(2**63) - 1, 10**33])
def test_a_whole_number_past_a_database_integer_is_bad_input_by_its_field(cast: Cast, huge: int) -> None:
    # Found by schemathesis: `?request=4927…` in a list's filter reached the query and answered 500 on SQLite.
    api = Api(cast.operator)
    listed = api.get("/requests/signatures/", {"request": str(huge)})
    assert listed.status_code == 400, listed.content
    assert [e["field"] for e in problem_of(listed)["errors"]] == ["request"]
    assert api.get("/payments/", {"partner": str(huge)}).status_code == 400
    # And in a body: refused by its field, nothing made
    made = api.post("/nominations/", {"tpid": "T-100", "offer": "CSO", "partner": huge}, key="huge-partner")
    assert made.status_code == 400 and [e["field"] for e in problem_of(made)["errors"]] == ["partner"]
    # The largest that fits is a number like any other: not found, not refused
    assert api.get("/payments/", {"partner": str(2**63 - 1)}).json()["items"] == []


def test_text_with_a_nul_character_is_bad_input_wherever_it_comes(cast: Cast) -> None:
    # Found by schemathesis: a TPID holding a NUL reached PostgreSQL, which refuses such text (500); the portal's
    # form fields refuse it as Django's do.
    api = Api(cast.operator)
    issued = api.post("/vouchers/", {"tpid": "T-\u0000", "offer": "FY24", "face_value": "100"}, key="nul-tpid")
    assert issued.status_code == 400 and [e["field"] for e in problem_of(issued)["errors"]] == ["tpid"]
    listed = api.get("/vouchers/", {"q": "Con\u0000toso"})
    assert listed.status_code == 400 and [e["field"] for e in problem_of(listed)["errors"]] == ["q"]
    in_path = api.get("/vouchers/A%00B")
    assert in_path.status_code == 400 and "NUL" in problem_of(in_path)["detail"]
    assert api.send("POST", "/vouchers/A%00B/cancel", {"reason": "x"}).status_code == 400


def test_a_multipart_body_django_cannot_read_is_bad_input(cast: Cast) -> None:
    # Found by schemathesis: a part whose headers never end answered 500 on POST /documents/verify.
    boundary = "b0undary"
    body = f"--{boundary}\r\n".encode() + b"X" * 10_000 + f"\r\n--{boundary}--\r\n".encode()
    api = Api(cast.operator)
    refused = api.send("POST", "/documents/verify", raw=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert refused.status_code == 400, refused.content
    assert problem_of(refused)["detail"].startswith("body: not a readable multipart/form-data body")


def test_a_replayed_token_creation_keeps_no_secret(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.pat)
    client.get("/notices/")  # the CSRF cookie
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value, "Idempotency-Key": "make-crm-token"}
    body = {"name": "CRM", "scope": "read"}
    first = client.post("/api/v1/tokens/", body, content_type="application/json", headers=headers)
    replay = client.post("/api/v1/tokens/", body, content_type="application/json", headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    secret = first.json()["secret"]
    assert secret.startswith("odk_") and replay.json()["secret"] is None
    assert replay.json()["id"] == first.json()["id"] and ApiToken.objects.filter(user=cast.pat).count() == 1
    assert secret.encode() not in bytes(IdempotencyKey.objects.get(key="make-crm-token").body)
