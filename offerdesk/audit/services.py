"""Writing the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import models, transaction

from offerdesk.core import dates, parsing
from offerdesk.core.errors import DomainError, PermissionDenied

from .models import AuditEvent

P = ParamSpec("P")
R = TypeVar("R")


def _label(actor: Any) -> str:
    return "system" if actor is None else str(getattr(actor, "username", actor))


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    outcome: str = "done",
    data: dict[str, Any] | None = None,
    source: str = "",
) -> AuditEvent:
    """Append one event; called inside the service's own transaction."""
    return AuditEvent.objects.create(
        occurred_at=dates.now(),
        actor=actor,
        actor_label=_label(actor),
        action=action,
        outcome=outcome,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        source=source,
        data=data or {},
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    targets: Iterable[tuple[str, Any]],
    data: dict[str, Any] | None = None,
    source: str = "",
) -> int:
    """Append one event per (object type, id) in one statement, for set-based jobs."""
    occurred = dates.now()
    rows = [
        AuditEvent(
            occurred_at=occurred,
            actor=actor,
            actor_label=_label(actor),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            source=source,
            data=data or {},
        )
        for object_type, object_id in targets
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def audited_refusals(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a refused or unauthorised call after its transaction rolled back, then re-raise."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except DomainError as error:
                # The service's own transaction has rolled back; an enclosing one that is already doomed
                # would lose the row anyway, so only write where it can stick.
                if not transaction.get_connection().needs_rollback:
                    audit_record(
                        actor=kwargs.get("actor"),
                        action=action,
                        outcome="denied" if isinstance(error, PermissionDenied) else "refused",
                        data={
                            "rules": list(error.rules),
                            "message": parsing.printable(error.message, limit=2000),
                            "input": {k: parsing.printable(v) for k, v in kwargs.items() if k != "actor"},
                        },
                    )
                raise

        return wrapper

    return decorate
