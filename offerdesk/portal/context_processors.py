"""What every portal page's layout needs: the role's navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for


def portal(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    user = getattr(request, "user", None)
    return {"portal_navigation": navigation_for(user, current=current) if user is not None else []}
