"""Every scoped selector × every persona: outsiders get NotFound and never see the object; insiders get it.

The matrix is generated from ENTITIES; a `*_get_for` in any `offerdesk.*.selectors` module missing from
it fails `test_every_scoped_selector_is_in_the_matrix`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import offerdesk
from offerdesk.accounts.models import User
from offerdesk.apikeys.services import api_token_create
from offerdesk.audit.models import AuditEvent
from offerdesk.core.errors import NotFound
from offerdesk.customers.models import Customer
from offerdesk.documents.services import document_prepare
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import Notice
from offerdesk.notifications.webhooks import webhook_subscription_create
from offerdesk.payouts.models import Payment
from offerdesk.payouts.selectors import partner_owed
from offerdesk.payouts.services import payment_run_create
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_verify_seats
from offerdesk.screening.services import screening_run
from offerdesk.vouchers.models import Deal, Referral, Voucher
from tests.factories import Cast, approve, approved_sow, cso_poe, customer, customer_user, deal, on

STAFF = {"seller", "operator", "reviewer", "finance", "auditor", "superuser"}
FABRIKAM_SIDE = {"owner", "colleague", "fpm_of_owner"}
PERSONAS = (
    "owner",
    "colleague",
    "other_partner",
    "customer",
    "other_customer",
    "fpm_of_other_partner",
    "fpm_of_owner",
    *sorted(STAFF),
)


@dataclass(frozen=True)
class Entity:
    """One scoped object type: its selectors, how the world's object is keyed, who may see it."""

    module: str
    name: str
    obj: Callable[[dict[str, Any]], Any]
    insiders: frozenset[str]
    key: str = "pk"
    touch: Callable[[Any], Any] = lambda row: None  # reads every related object a list shows

    def selectors(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        module = importlib.import_module(f"offerdesk.{self.module}.selectors")
        return getattr(module, f"{self.name}_list"), getattr(module, f"{self.name}_get_for")


def _only(model: type[Any], **lookup: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda world: model.objects.get(**lookup)


ENTITIES = {
    e.name: e
    for e in (
        Entity(
            "vouchers",
            "voucher",
            lambda w: w["voucher"],
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            key="code",
            touch=lambda v: (v.offer.program.code, v.customer.name, v.partner.name),
        ),
        Entity(
            "vouchers",
            "nomination",
            lambda w: w["voucher"].nomination,
            frozenset({*STAFF, *FABRIKAM_SIDE}),
            touch=lambda n: (n.customer.name, n.offer.program.code, n.partner.name),
        ),
        Entity(
            "vouchers",
            "referral",
            _only(Referral),
            frozenset({*STAFF, *FABRIKAM_SIDE}),
            touch=lambda r: (r.nomination.customer.name, r.nomination.offer.name, r.partner.name),
        ),
        Entity("vouchers", "deal", _only(Deal), frozenset({*STAFF, "customer"}), touch=lambda d: d.customer.name),
        Entity(
            "redemptions",
            "request",
            lambda w: w["poe"],
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            touch=lambda r: (r.voucher.offer.program.code, r.voucher.customer.name, r.partner.name),
        ),
        Entity(
            "redemptions",
            "signature",
            lambda w: w["poe"].signatures.get(party="partner"),
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            touch=lambda s: (s.request.partner.name, s.request.voucher.customer.name),
        ),
        Entity(
            "documents",
            "document",
            lambda w: w["document"],
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            key="key",
            touch=lambda d: (d.partner.name, d.voucher.customer.name, d.voucher.offer.program.code, d.request),
        ),
        Entity(
            "reviews",
            "decision",
            lambda w: Decision.objects.get(request=w["poe"], outcome="approved"),
            frozenset({*STAFF, *FABRIKAM_SIDE}),
            touch=lambda d: (d.request.partner.name, d.request.voucher.code, d.decided_by),
        ),
        Entity(
            "payouts",
            "payment",
            _only(Payment),
            frozenset({*STAFF - {"seller"}, *FABRIKAM_SIDE}),
            touch=lambda p: (p.voucher.customer.name, p.request.kind, p.partner.name),
        ),
        Entity(
            "notifications",
            "webhook_subscription",
            lambda w: (
                webhook_subscription_create(
                    actor=w["users"]["owner"], url="http://127.0.0.1:9/offerdesk", events=["voucher.issued"]
                ).subscription
            ),
            frozenset({"owner", "colleague"}),  # the partner's own users; operators manage the program-wide ones
            touch=lambda s: s.partner_id,
        ),
        Entity(
            "apikeys",
            "api_token",
            lambda w: api_token_create(actor=w["users"]["owner"], name="PSA", scope="read").token,
            frozenset({"owner"}),  # a token is its user's alone: not a colleague's, not a superuser's
            touch=lambda t: t.user_id,
        ),
        Entity(
            "payouts",
            "payment_run",
            lambda w: payment_run_create(actor=w["cast"].finance, up_to="2099-12-31"),
            # payment runs are finance's alone; a partner reads its payments and statements, never a run
            frozenset({"finance", "superuser"}),
            touch=lambda r: r.created_by,
        ),
        Entity(
            "customers",
            "customer",
            _only(Customer, tpid="T-100"),
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            key="tpid",
            touch=lambda c: c.company_group,
        ),
        Entity(
            "partners",
            "partner",
            lambda w: w["cast"].fabrikam,
            frozenset({*STAFF, *FABRIKAM_SIDE, "customer"}),
            touch=lambda p: p.company_group,
        ),
        Entity(
            "partners",
            "partner_directory",
            lambda w: w["cast"].fabrikam,
            # the approved FRP list any customer chooses from (MWS-NOM-04); no partner reads it
            frozenset({*STAFF, "customer", "other_customer"}),
        ),
        Entity(
            "audit",
            "audit_event",
            lambda w: AuditEvent.objects.get(action="redemption.submit", data__kind="POE"),
            frozenset({"operator", "auditor", "superuser", *FABRIKAM_SIDE}),
            touch=lambda e: e.actor,
        ),
        Entity(
            "notifications",
            "notice",
            lambda w: Notice.objects.filter(message__kind=NoticeKind.REQUEST_APPROVED, user=w["cast"].pat).latest("id"),
            # pat's own copy of the approval sent to Fabrikam's mailbox: a notice is its user's alone
            frozenset({"owner"}),
            touch=lambda n: n.message.subject,
        ),
        Entity(
            "screening",
            "screening",
            lambda w: screening_run(actor=w["cast"].operator, on="2024-01-15"),
            # the whole customer base against the rules: Microsoft's operators and sellers only
            frozenset({"seller", "operator", "superuser"}),
            touch=lambda s: s.created_by,
        ),
    )
}


@pytest.fixture
def world(cast: Cast, cso: Voucher) -> dict[str, Any]:
    """Contoso's CSO voucher, mapped to Fabrikam: SOW and POE approved, the POE paid, a POE document left
    unsigned; a deal of Contoso's; a user for Contoso and one for Adatum; pat is the Fabrikam mailbox the
    notices go to."""
    User.objects.filter(pk=cast.pat.pk).update(email=cast.fabrikam.primary_contact)
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    with on("2024-01-09"):  # a POE document Fabrikam prepared and left unsigned
        document = document_prepare(
            actor=cast.pat,
            voucher=cso,
            partner=cast.fabrikam,
            kind="POE",
            users_deployed=1200,
            workload_users={"Exchange Online": 1200, "Teams": 1200},
        )
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=1200)
    with on("2024-01-11"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=1100)
    approve(cast, poe, when="2024-01-12")
    deal(cast, customer=cso.customer, closed="2023-10-01")
    adatum = customer(cast.operator, tpid="T-600", name="Adatum")
    users = {
        "owner": cast.pat,
        "colleague": cast.paula,
        "other_partner": cast.nico,
        "customer": customer_user(cso.customer, "carla"),
        "other_customer": customer_user(adatum, "otto"),
        "fpm_of_other_partner": cast.felix,
        "fpm_of_owner": cast.fran,
        "seller": cast.seller,
        "operator": cast.operator,
        "reviewer": cast.reviewer,
        "finance": cast.finance,
        "auditor": cast.auditor,
        "superuser": User.objects.create_superuser(username="root", email="root@offerdesk.example"),
    }
    return {
        "cast": cast,
        "voucher": cso,
        "poe": poe,
        "document": document,
        "users": {k: User.objects.get(pk=u.pk) for k, u in users.items()},
    }


def scoped_getters() -> set[str]:
    """Every `*_get_for` of every `offerdesk.<app>.selectors` module."""
    found = set()
    for app in pkgutil.iter_modules(offerdesk.__path__):
        try:
            module = importlib.import_module(f"offerdesk.{app.name}.selectors")
        except ModuleNotFoundError:
            continue
        found |= {name for name, _ in inspect.getmembers(module, inspect.isfunction) if name.endswith("_get_for")}
    return found


def test_every_scoped_selector_is_in_the_matrix() -> None:
    assert scoped_getters() == {f"{name}_get_for" for name in ENTITIES}
    assert set(PERSONAS) >= {p for e in ENTITIES.values() for p in e.insiders}
    assert len(ENTITIES) * len(PERSONAS) == 234  # the matrix: 18 scoped selectors × 13 personas


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_outsiders_get_not_found_and_insiders_get_the_object(
    world: dict[str, Any], name: str, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    entity = ENTITIES[name]
    list_of, get_for = entity.selectors()
    obj = entity.obj(world)
    key = getattr(obj, entity.key)
    wrong = []
    for persona in PERSONAS:
        user = world["users"][persona]
        # One query however many rows, related objects included (none at all where the scope is empty).
        pinned = django_assert_num_queries if persona in entity.insiders else django_assert_max_num_queries
        with pinned(1):
            rows = list(list_of(user=user))
            for row in rows:
                entity.touch(row)
        listed = obj.pk in {row.pk for row in rows}
        try:
            got = get_for(user=user, key=key)
        except NotFound:
            got = None
        if persona in entity.insiders:
            if not listed or got != obj:
                wrong.append(f"{persona} should see it (listed={listed}, got={got!r})")
        elif listed or got is not None:
            wrong.append(f"{persona} must not see it (listed={listed}, got={got!r})")
    assert wrong == []


def test_what_a_partner_is_owed_is_read_within_the_payment_scope(world: dict[str, Any]) -> None:
    fabrikam, users = world["cast"].fabrikam, world["users"]
    owed = {persona: len(partner_owed(user=users[persona], partner=fabrikam)) for persona in PERSONAS}
    assert {persona for persona, lines in owed.items() if lines} == ENTITIES["payment"].insiders
