"""Reading partners, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_partner_scope, access_scoped
from offerdesk.accounts.models import User

from .models import Partner


def partner_list(*, user: User) -> QuerySet[Partner]:
    """The partners the user may see, by name."""
    return access_scoped(Partner.objects.select_related("company_group"), access_partner_scope(user))


def partner_get_for(*, user: User, key: int) -> Partner:
    """One partner, if the user may see it."""
    return access_get(partner_list(user=user), what="partner", pk=key)
