"""The navigation of each role: the entries whose page exists (a URL name that does not resolve is left out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.notifications.selectors import notice_unread_count


@dataclass(frozen=True)
class NavEntry:
    """One link of the navigation: its label, the URL name it points at, whom it is for, and what it counts."""

    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: everyone the navigation is for
    count: Callable[[User], int] | None = None  # a number beside the label (0: none shown)


def unread_notices(user: User) -> int:
    """The number beside "Notices": how many of the user's notices are unread."""
    return notice_unread_count(user=user)


PARTNER = (
    NavEntry("Referrals", "portal:partner-referrals"),
    NavEntry("Vouchers", "portal:partner-vouchers"),
    NavEntry("Redeem voucher", "portal:partner-redeem"),
    NavEntry("My voucher redemptions", "portal:partner-redemptions"),
    NavEntry("Payments", "portal:partner-payments"),
    NavEntry("Statements", "portal:partner-statements"),
)
CUSTOMER = (
    NavEntry("My vouchers", "portal:customer-vouchers"),
    NavEntry("Documents to sign", "portal:customer-documents"),
)
STAFF = (
    NavEntry("Staff home", "portal:staff-home"),
    NavEntry("Customers", "portal:staff-customers"),  # views.sales.READERS: every staff role, an FPM its part
    NavEntry("Nominations", "portal:staff-nominations"),
    NavEntry("Vouchers", "portal:staff-vouchers"),
    NavEntry("Partners", "portal:staff-partners"),
    NavEntry("Catalogue", "portal:staff-catalogue"),  # views.catalogue.READERS: every staff role (FPMs have FPM)
    # reviews.services.DESK_ROLES: reviewers work the queue, operators and auditors read it.
    NavEntry("Review queue", "portal:review-queue", roles=frozenset({Role.REVIEWER, Role.OPERATOR, Role.AUDITOR})),
    NavEntry(
        "Verify a document",
        "portal:staff-verify",
        roles=frozenset({Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR}),  # documents.services.VERIFY_ROLES
    ),
    NavEntry("Audit trail", "portal:staff-audit", roles=frozenset({Role.OPERATOR, Role.AUDITOR})),  # AUDIT_ROLES
    *(  # views.finance.FINANCE_ROLES
        NavEntry(label, url_name, roles=frozenset({Role.FINANCE}))
        for label, url_name in (
            ("Exchange rates", "portal:finance-rates"),
            ("Payment runs", "portal:finance-runs"),
            ("Statements", "portal:finance-statements"),
        )
    ),
)
# An FPM reads its partners' part of the back office and, read-only, their portal (views.partner.PARTNER_AREA_ROLES).
FPM = (
    NavEntry("Staff home", "portal:staff-home"),
    NavEntry("Customers", "portal:staff-customers"),
    NavEntry("Vouchers", "portal:staff-vouchers"),
    NavEntry("Partners", "portal:staff-partners"),
    NavEntry("Partners' redemptions", "portal:partner-redemptions"),
    NavEntry("Partners' payments", "portal:partner-payments"),
)
EVERYONE = (NavEntry("Notices", "portal:notices", count=unread_notices),)

# Where each role lands after signing in (the first of these that exists), then the staff home or the account page.
HOMES = {
    Role.PARTNER: ("portal:partner-vouchers",),
    Role.CUSTOMER: ("portal:customer-vouchers",),
}
STAFF_HOME = "portal:staff-home"
FALLBACK_HOME = "portal:account"


def _entries_for(user: Any) -> tuple[NavEntry, ...]:
    if user.role == Role.PARTNER:
        return PARTNER
    if user.role == Role.CUSTOMER:
        return CUSTOMER
    if user.role == Role.FPM:
        return FPM
    return STAFF


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation_for(user: Any, *, current: str = "") -> list[dict[str, Any]]:
    """The links a signed-in user sees, in order, each with its URL, whether it is the current page and its count;
    a count is read (one query) only when the page shows it, so a part of a page swapped by htmx costs nothing."""
    if not user.is_authenticated:
        return []
    links = []
    for entry in (*_entries_for(user), *EVERYONE):
        if entry.roles is not None and user.role not in entry.roles and not user.is_superuser:
            continue
        url = _url(entry.url_name)
        if url is not None:
            count = SimpleLazyObject(partial(entry.count, user)) if entry.count is not None else None
            links.append({"label": entry.label, "url": url, "current": entry.url_name == current, "count": count})
    return links


def home_url_for(user: Any) -> str:
    """The page a user lands on after signing in: its role's home (partner: vouchers, customer: its vouchers)."""
    if user.role in HOMES:
        for url_name in HOMES[user.role]:
            url = _url(url_name)
            if url is not None:
                return url
        return reverse(FALLBACK_HOME)  # the role's pages are not there yet
    return reverse(STAFF_HOME)
