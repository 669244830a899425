"""The API's version 1: one NinjaAPI, its authentication, throttle and problem documents, a router per area."""

from __future__ import annotations

from ninja import NinjaAPI

from . import tokens, vouchers
from .auth import API_AUTH, TokenRateThrottle
from .problems import install_problem_handlers

api = NinjaAPI(
    title="OfferDesk API",
    version="1",
    description=(
        "Everything the portal does, for partners' PSA and CRM tools, operators' scripts and finance's payment "
        "system. Authenticate with a personal API token (`Authorization: Bearer odk_…`, made in the portal under "
        "Your account → API tokens). Every write takes an `Idempotency-Key` header. Errors are "
        "`application/problem+json` (RFC 9457) with the rule IDs of a refusal. Lists are cursor-paginated."
    ),
    urls_namespace="api-v1",
    auth=API_AUTH,
    throttle=[TokenRateThrottle()],
)
install_problem_handlers(api)

api.add_router("/tokens", tokens.router)
api.add_router("/vouchers", vouchers.router)
