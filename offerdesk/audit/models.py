"""The audit trail: append-only, one row for every state change and every refused attempt."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from offerdesk.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnlyError", "AppendOnlyQuerySet", "AuditEvent"]


class AuditEvent(AppendOnlyModel):
    """Who did what, to which object, when and from where."""

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(  # indexed only where set: the daily run's system events skip it (Meta, ADR 18)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80)  # indexed in Meta: no LIKE twin, which no query uses
    outcome = models.CharField(max_length=16, default="done")  # done | refused | denied | error (a crash)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=120, blank=True)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    append_only_noun = "audit events"

    class Meta:
        ordering = ("occurred_at", "id")
        indexes = [
            models.Index(fields=("object_type", "object_id")),
            models.Index(fields=("action",), name="audit_event_action"),
            models.Index(fields=("actor",), condition=models.Q(actor__isnull=False), name="audit_event_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.outcome}"
