"""Access checks, in one place: every service asks these, never its own `if`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet

from offerdesk.core.errors import NotFound, PermissionDenied

from .models import Role

if TYPE_CHECKING:
    from .models import User

MICROSOFT_ROLES = frozenset({Role.SELLER, Role.OPERATOR})
STAFF_ROLES = frozenset({Role.SELLER, Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR})


def mfa_required_for(user: Any) -> bool:
    """Whether this user's role signs in with a second factor (operators, reviewers, finance, superusers)."""
    if not settings.OFFERDESK_MFA_REQUIRED or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role in settings.OFFERDESK_MFA_ROLES)


def access_require_role(
    user: User | None, roles: frozenset[str] | set[str], *, action: str, rules: tuple[str, ...] = ()
) -> None:
    """Refuse unless the acting user holds one of the roles; `None` is the system itself."""
    if user is None:
        return
    if user.role not in roles and not user.is_superuser:
        raise PermissionDenied(f"a {user.get_role_display().lower()} may not {action}", rules=rules)


def _acting_for(user: User | None, *, tenant: str, tenant_id: int, on_behalf: frozenset[str], action: str) -> None:
    """A tenant's user ("partner" or "customer") acts only for its own tenant; staff of the `on_behalf`
    roles may act on a tenant's behalf; `None` is the system itself."""
    if user is None or user.is_superuser:
        return
    if user.role == tenant:
        if getattr(user, f"{tenant}_id") != tenant_id:
            raise PermissionDenied(f"a {tenant} user may only {action} for its own {tenant}")
        return
    if user.role not in on_behalf:
        raise PermissionDenied(f"a {user.get_role_display().lower()} may not {action}")


def access_partner_acting_for(user: User | None, partner_id: int, *, action: str) -> None:
    """A partner user acts only for its own partner; Microsoft's staff may act on a partner's behalf."""
    _acting_for(
        user,
        tenant=Role.PARTNER,
        tenant_id=partner_id,
        on_behalf=frozenset({Role.OPERATOR, Role.REVIEWER}),
        action=action,
    )


def access_customer_acting_for(user: User | None, customer_id: int, *, action: str) -> None:
    """A customer user acts only for its own customer; a program operator may act on a customer's behalf."""
    _acting_for(user, tenant=Role.CUSTOMER, tenant_id=customer_id, on_behalf=frozenset({Role.OPERATOR}), action=action)


def access_separation_of_duties(
    user: User | None, *, parties: Iterable[int | None], action: str, enforce: bool = True
) -> None:
    """OD-SOD-01: nobody decides a request they submitted, prepared or signed (`parties`: those users' ids),
    whether for themselves or on a partner's behalf; superusers included. `None` is the system itself."""
    if user is None or not enforce:
        return
    if user.pk in set(parties):
        raise PermissionDenied(
            f"{user.username} submitted, prepared or signed this request and may not {action} it", rules=("OD-SOD-01",)
        )


# ------------------------------------------------------------------------------------- read scopes
# Each scope is a Q over its own model: what the user may read. Outside it, an object is not found,
# never forbidden (ADR 0010). Who sees what is tabled in docs/adr/0010-not-found-rather-than-forbidden.md.

NOTHING = Q(pk__in=[])
PAYMENT_ROLES = STAFF_ROLES - {Role.SELLER}  # a field seller has no business with the partners' ledger
AUDIT_ROLES = frozenset({Role.OPERATOR, Role.AUDITOR})  # everyone else reads only their own steps

PartnerPath = str | Callable[[Callable[[str], Q]], Q] | None


def _partners_of(user: User) -> Callable[[str], Q]:
    """`of(path)`: the Q that the partner at `path` ("" for the partner itself) is one the user acts for."""

    def of(path: str) -> Q:
        if user.role == Role.PARTNER:
            return Q(**{path or "pk": user.partner_id})
        return Q(**{f"{path}__fpm_users" if path else "fpm_users": user.pk})

    return of


def _tenant_scope(user: User, *, partner: PartnerPath, customer: str | None, staff: frozenset[str] = STAFF_ROLES) -> Q:
    """Staff (of the given roles) see all; a partner user what `partner` leads to for its partner, an FPM
    the same for every partner it manages; a customer user what `customer` leads to for its customer."""
    if user.is_superuser or user.role in staff:
        return Q()
    if user.role in (Role.PARTNER, Role.FPM) and partner is not None:
        of = _partners_of(user)
        return of(partner) if isinstance(partner, str) else partner(of)
    if user.role == Role.CUSTOMER and customer is not None:
        return Q(**{customer: user.customer_id})
    return NOTHING


def access_voucher_scope(user: User) -> Q:
    """A partner sees a voucher bound to it, or left unbound after its own request was refused (it may
    submit again); once another partner binds it, that partner's work on it is none of its business."""
    return _tenant_scope(
        user,
        partner=lambda of: of("partner") | (Q(partner__isnull=True) & of("requests__partner")),
        customer="customer",
    )


def access_nomination_scope(user: User) -> Q:
    """Nominations are Microsoft's (AMB-10); a partner sees those mapped to it, the customer none."""
    return _tenant_scope(user, partner="partner", customer=None)


def access_referral_scope(user: User) -> Q:
    """A referral is presented to one partner; the customer is not a party to it."""
    return _tenant_scope(user, partner="partner", customer=None)


def access_deal_scope(user: User) -> Q:
    """A deal is the customer's own purchase as Microsoft recorded it; no partner sees its value."""
    return _tenant_scope(user, partner=None, customer="customer")


def access_request_scope(user: User) -> Q:
    """A partner sees its own requests, whoever holds the voucher now; the customer those on its vouchers."""
    return _tenant_scope(user, partner="partner", customer="voucher__customer")


def access_decision_scope(user: User) -> Q:
    """The review conversation is between Microsoft and the requesting partner."""
    return _tenant_scope(user, partner="request__partner", customer=None)


def access_signature_scope(user: User) -> Q:
    """A request's `Signature` rows: the partner that sent it, the customer that signed it."""
    return _tenant_scope(user, partner="request__partner", customer="request__voucher__customer")


def access_document_scope(user: User) -> Q:
    """A SOW or POE document: the partner that prepared or uploaded it, the customer whose voucher it is for."""
    return _tenant_scope(user, partner="partner", customer="voucher__customer")


def access_payment_scope(user: User) -> Q:
    """The ledger: what a partner is owed is its own; sellers and customers do not see it."""
    return _tenant_scope(user, partner="partner", customer=None, staff=PAYMENT_ROLES)


def access_finance_scope(user: User) -> Q:
    """Payment runs and the statements' back office: finance's alone (a partner reads its own statements
    through `access_payment_scope`)."""
    if user.is_superuser or user.role == Role.FINANCE:
        return Q()
    return NOTHING


def access_customer_scope(user: User) -> Q:
    """A customer sees itself; a partner the customers whose vouchers or referrals it holds."""
    return _tenant_scope(user, partner=lambda of: of("vouchers__partner") | of("nominations__partner"), customer="pk")


def access_partner_scope(user: User) -> Q:
    """A partner sees itself; an FPM the partners it manages; a customer the partners bound to its vouchers."""
    return _tenant_scope(user, partner="", customer="vouchers__customer")


def access_partner_directory_scope(user: User) -> Q:
    """Who reads the approved FRP list a FY24 customer chooses from (MWS-NOM-04; the partners app keeps it to
    the approved ones): customers and staff; partners and FPMs have no use for it."""
    if user.is_superuser or user.role in STAFF_ROLES or user.role == Role.CUSTOMER:
        return Q()
    return NOTHING


def access_audit_event_scope(user: User) -> Q:
    """Operators and auditors read the whole trail; everyone else their own steps, and a tenant's users
    (or their FPM) the steps of the tenant's other users too."""
    scope = _tenant_scope(user, partner="actor__partner", customer="actor__customer", staff=AUDIT_ROLES)
    # An empty Q (everything) would vanish from an OR: only add one's own steps to a narrower scope.
    return scope | Q(actor_id=user.pk) if scope else scope


def access_notice_scope(user: User) -> Q:
    """A notice is one user's in-app copy of an e-mail to them: theirs alone, staff and superusers included
    (the whole outbox is the operators', in the admin and `offerdesk outbox list`)."""
    return Q(user_id=user.pk) if user.pk is not None else NOTHING


def access_webhook_scope(user: User) -> Q:
    """A partner's webhook subscriptions are its users'; the program-wide ones (no partner) are the operators'
    (ADR 33). Nobody else has any: a subscription's deliveries carry its secret's signatures."""
    if user.is_superuser or user.role == Role.OPERATOR:
        return Q(partner__isnull=True)
    if user.role == Role.PARTNER and user.partner_id is not None:
        return Q(partner_id=user.partner_id)
    return NOTHING


def access_webhook_manager(
    user: User | None, *, partner_id: int | None, action: str, operators_too: bool = False
) -> None:
    """Who manages a subscription: a partner's users their partner's, operators the program-wide ones (and, when
    `operators_too`, a partner's as well: they run the outbox, `offerdesk outbox webhook-replay`); `None` is the
    system itself."""
    if user is None:
        return
    if partner_id is None or (operators_too and user.role == Role.OPERATOR):
        access_require_role(user, {Role.OPERATOR}, action=action)
    elif not (user.role == Role.PARTNER and user.partner_id == partner_id) and not user.is_superuser:
        raise PermissionDenied(f"only the partner's own users may {action}")


def access_screening_scope(user: User) -> Q:
    """A screening lists the whole customer base against the rules: Microsoft's operators and sellers only."""
    if user.is_superuser or user.role in MICROSOFT_ROLES:
        return Q()
    return NOTHING


def access_scoped[M: Model](queryset: QuerySet[M], scope: Q) -> QuerySet[M]:
    """The queryset narrowed to a scope, each row once however many related rows let the user in."""
    return queryset.filter(pk__in=queryset.model._default_manager.filter(scope).values("pk"))


def access_get[M: Model](queryset: QuerySet[M], *, what: str, **key: object) -> M:
    """The one object of a scoped queryset with that key; absent, outside the scope or a malformed key
    alike, it is simply not found."""
    try:
        found = queryset.filter(**key).first()
    except (ValueError, TypeError, DjangoValidationError):
        found = None
    if found is None:
        raise NotFound(f"no {what} {next(iter(key.values()), '')}")
    return found
