"""What the API's redemption tests share: a day to run the API on (the domain clock frozen), a SOW taken from
preparation to submission through HTTP alone, and the queries one call costs."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from offerdesk.portal.tests.reviewing import customer_signer
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, on

from .client import Api

DAY = "2023-10-02"


def call(api: Api, method: str, path: str, body: Any = None, *, when: str = DAY, **extra: Any) -> Any:
    """One call to the API on `when` (GET with `body` as its query)."""
    with on(when, extra.pop("time", None)):
        if method == "GET":
            return api.get(path, body, **extra)
        if method == "UPLOAD":
            return api.upload(path, body, **extra)
        return api.send(method, path, body, **extra)


def sealed_sow(cast: Cast, voucher: Voucher, *, value: str = "15000.00", when: str = DAY) -> dict[str, Any]:
    """Pat prepares the SOW for the voucher and signs it, then the customer's user signs it, each through the
    API: the sealed document as GET /documents/{key} answers it."""
    pat = Api(cast.pat)
    prepared = call(pat, "POST", "/documents/", {"voucher": voucher.code, "kind": "SOW", "value": value}, when=when)
    assert prepared.status_code == 201, prepared.content
    key, shown = prepared.json()["key"], prepared.json()["sha256"]
    signed = call(
        pat,
        "POST",
        f"/documents/{key}/sign",
        {"party": "partner", "name": "Pat Fabrikam", "title": "Delivery lead", "shown_sha256": shown},
        when=when,
    )
    assert signed.status_code == 200, signed.content
    customer = Api(customer_signer(voucher))
    sealed = call(
        customer,
        "POST",
        f"/documents/{key}/sign",
        {"party": "customer", "name": "Carla Customer", "title": "CIO", "shown_sha256": shown},
        when=when,
    )
    assert sealed.status_code == 200, sealed.content
    document: dict[str, Any] = sealed.json()
    return document


def queries(api: Api, path: str, params: dict[str, Any] | None = None, *, when: str = DAY) -> int:
    """The queries a GET costs (after a first call, which writes the token's last use)."""
    call(api, "GET", path, params, when=when)
    with CaptureQueriesContext(connection) as captured:
        answer = call(api, "GET", path, params, when=when)
        assert answer.status_code == 200, answer.content
    return len(captured)
