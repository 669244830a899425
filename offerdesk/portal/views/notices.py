"""Everyone's notices: a copy of each e-mail OfferDesk sent the user, newest first, read or not (ADR 23)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from offerdesk.notifications.selectors import notice_list, notice_unread_count
from offerdesk.notifications.services import notice_mark_all_read, notice_mark_read
from offerdesk.portal.errors import portal_view, signed_in_user
from offerdesk.portal.navigation import navigation_for

LIST = "portal/notices/list.html"
PER_PAGE = 50


@require_GET
@login_required
@portal_view
def index(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notices, 50 to a page, with how many are unread."""
    user = signed_in_user(request)
    page = Paginator(notice_list(user=user), PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, LIST, {"page": page, "unread": notice_unread_count(user=user)})


@require_POST
@login_required
@portal_view
def mark_read(request: HttpRequest, key: int) -> HttpResponse:
    """Mark one of the user's notices read; another's is not found. htmx: the notice again, in place, with the
    unread counts of the page and the navigation; a plain post: back to the list with the message."""
    user = signed_in_user(request)
    notice = notice_mark_read(actor=user, key=key)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "notice": notice,
            "just_read": True,
            "unread": notice_unread_count(user=user),
            "oob": True,  # the counts are swapped out of band, where they are on the page
            "portal_navigation": navigation_for(user, current="portal:notices"),
        }
        return TemplateResponse(request, f"{LIST}#read", context)
    messages.success(request, f"Marked “{notice.message.subject}” as read.")
    return redirect("portal:notices")


@require_POST
@login_required
@portal_view
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark every unread notice of the user's read."""
    count = notice_mark_all_read(actor=signed_in_user(request))
    messages.success(request, f"Marked {count} notice{'' if count == 1 else 's'} as read.")
    return redirect("portal:notices")
