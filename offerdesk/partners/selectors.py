"""Reading partners, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_partner_directory_scope, access_partner_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import parsing

from .choices import FrpStatus
from .models import Partner


def partner_list(*, user: User) -> QuerySet[Partner]:
    """The partners the user may see, by name."""
    return access_scoped(Partner.objects.select_related("company_group"), access_partner_scope(user))


def partner_get_for(*, user: User, key: int) -> Partner:
    """One partner, if the user may see it."""
    return access_get(partner_list(user=user), what="partner", pk=key)


def partner_directory_list(*, user: User, name: str = "", country: str = "") -> QuerySet[Partner]:
    """The approved FRP list a FY24 customer chooses its partner from (MWS-NOM-04), by name: every approved
    partner, wider than `partner_list` by design (it is the program's public list), narrowed to those whose
    name holds `name` and, given one, to a country. Screens show only each partner's name and country."""
    name = parsing.parse_name(name, field="name", max_length=200, required=False)
    country = parsing.parse_optional_country(country, field="country")
    qs = Partner.objects.filter(access_partner_directory_scope(user), frp_status=FrpStatus.APPROVED).order_by(
        "name", "id"
    )
    if name:
        qs = qs.filter(name__icontains=name)
    return qs.filter(country=country) if country else qs


def partner_directory_get_for(*, user: User, key: int | str) -> Partner:
    """One partner of the approved FRP list, if the user may read the list; any other is not found."""
    return access_get(partner_directory_list(user=user), what="partner", pk=key)


def partner_directory_countries(*, user: User) -> list[str]:
    """The countries of the approved FRP list, for the search form's choices."""
    return sorted(set(partner_directory_list(user=user).exclude(country="").values_list("country", flat=True)))


def partner_search(*, user: User, text: str = "", frp_status: str = "") -> QuerySet[Partner]:
    """The partners the user may see whose name holds `text`, of an FRP status (each optional; OD-IN-01)."""
    qs = partner_list(user=user)
    text = parsing.parse_name(text, field="search", max_length=200, required=False)
    if text:
        qs = qs.filter(name__icontains=text)
    if frp_status:
        qs = qs.filter(frp_status=parsing.parse_choice(frp_status, field="FRP status", choices=FrpStatus.values))
    return qs
