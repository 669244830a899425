"""A SOW's or POE's PDF, for whoever may see the document (its partner, its voucher's customer, staff; ADR 10):
downloaded as an attachment, or shown inside the document's page. Shared by the partner's and the customer's
pages (routes/documents.py); another tenant's document is not found."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from offerdesk.accounts.models import User
from offerdesk.documents.selectors import document_file
from offerdesk.portal.errors import portal_view


def _pdf(request: HttpRequest, key: str, *, as_attachment: bool) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    name, data = document_file(user=user, key=key)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"  # a PDF, whatever its bytes look like
    response["Cache-Control"] = "private, no-store"  # a signed document stays out of shared caches
    return response


@require_safe
@login_required
@portal_view
def download(request: HttpRequest, key: str) -> HttpResponse:
    """The document as a file to save (the sealed PDF once both parties signed)."""
    return _pdf(request, key, as_attachment=True)


@require_safe
@login_required
@portal_view
@xframe_options_sameorigin
def inline(request: HttpRequest, key: str) -> HttpResponse:
    """The same bytes, shown in the document's page (framed by OfferDesk's own pages only)."""
    return _pdf(request, key, as_attachment=False)
