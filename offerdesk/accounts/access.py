"""Access checks, in one place: every service asks these, never its own `if`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from offerdesk.core.errors import PermissionDenied

from .models import Role

if TYPE_CHECKING:
    from .models import User

MICROSOFT_ROLES = frozenset({Role.SELLER, Role.OPERATOR})
STAFF_ROLES = frozenset({Role.SELLER, Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR})


def access_require_role(
    user: User | None, roles: frozenset[str] | set[str], *, action: str, rules: tuple[str, ...] = ()
) -> None:
    """Refuse unless the acting user holds one of the roles; `None` is the system itself."""
    if user is None:
        return
    if user.role not in roles and not user.is_superuser:
        raise PermissionDenied(f"a {user.get_role_display().lower()} may not {action}", rules=rules)


def access_partner_acting_for(user: User | None, partner_id: int, *, action: str) -> None:
    """A partner user acts only for its own partner; Microsoft's staff may act on a partner's behalf."""
    if user is None or user.is_superuser:
        return
    if user.role == Role.PARTNER:
        if user.partner_id != partner_id:
            raise PermissionDenied(f"a partner user may only {action} for its own partner")
        return
    if user.role not in {Role.OPERATOR, Role.REVIEWER}:
        raise PermissionDenied(f"a {user.get_role_display().lower()} may not {action}")


def access_voucher_scope(user: User) -> Q:
    """The vouchers a user may see: staff all; a partner its own (bound or mapped); a customer its own;
    an FPM those of the partners it manages. Anything else is not found, never forbidden."""
    if user.is_superuser or user.role in STAFF_ROLES:
        return Q()
    if user.role == Role.PARTNER:
        return Q(partner_id=user.partner_id) | Q(requests__partner_id=user.partner_id)
    if user.role == Role.CUSTOMER:
        return Q(customer_id=user.customer_id)
    if user.role == Role.FPM and user.email:
        return Q(partner__program_manager__iexact=user.email)
    return Q(pk__in=[])
