"""The API's version 1: one NinjaAPI, its authentication, throttle and problem documents, a router per area."""

from __future__ import annotations

from ninja import NinjaAPI

from . import (
    audit,
    catalogue,
    customers,
    deals,
    documents,
    nominations,
    notices,
    partners,
    payment_runs,
    payments,
    rates,
    referrals,
    reports,
    requests,
    reviews,
    screenings,
    statements,
    tokens,
    vouchers,
    webhooks,
)
from .auth import API_AUTH, TokenRateThrottle
from .problems import install_problem_handlers
from .schemas import ApiRenderer

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
    renderer=ApiRenderer(),
)
install_problem_handlers(api)

# One router per area, at its own prefix (each module: its router and schemas).
api.add_router("/tokens", tokens.router)
api.add_router("/customers", customers.router)
api.add_router("/partners", partners.router)
api.add_router("/catalogue", catalogue.router)
api.add_router("/nominations", nominations.router)
api.add_router("/referrals", referrals.router)
api.add_router("/deals", deals.router)
api.add_router("/vouchers", vouchers.router)
api.add_router("/screenings", screenings.router)
api.add_router("/requests", requests.router)
api.add_router("/documents", documents.router)
api.add_router("/reviews", reviews.router)
api.add_router("/payments", payments.router)
api.add_router("/payment-runs", payment_runs.router)
api.add_router("/exchange-rates", rates.router)
api.add_router("/statements", statements.router)
api.add_router("/audit", audit.router)
api.add_router("/notices", notices.router)
api.add_router("/reports", reports.router)
api.add_router("/webhooks", webhooks.router)
