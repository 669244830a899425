"""`/healthz`: the health report as JSON, 200 when healthy and 503 when not (for load balancers and monitors)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from offerdesk.jobs.selectors import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """No sign-in: it tells counts and ages, never a name, an address or an amount."""
    report = health_report()
    return JsonResponse(report, status=200 if report["healthy"] else 503, encoder=DjangoJSONEncoder)
