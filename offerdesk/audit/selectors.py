"""Reading the audit trail, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_audit_event_scope, access_get, access_scoped
from offerdesk.accounts.models import User

from .models import AuditEvent


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """The audit events the user may see, oldest first."""
    return access_scoped(AuditEvent.objects.select_related("actor"), access_audit_event_scope(user))


def audit_event_get_for(*, user: User, key: int) -> AuditEvent:
    """One audit event, if the user may see it."""
    return access_get(audit_event_list(user=user), what="audit event", pk=key)
