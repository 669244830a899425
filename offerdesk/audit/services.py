"""Writing the audit trail: every row is written, whatever the input holds (ADR 3, rule book §3.3)."""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models, transaction

from offerdesk.accounts.access import AUDIT_ROLES, access_require_role
from offerdesk.core import dates
from offerdesk.core.errors import DomainError, PermissionDenied

from .models import AuditEvent

if TYPE_CHECKING:
    from offerdesk.accounts.models import User

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)

MAX_TEXT = 2000  # characters kept of any one string; the rest is counted, not stored
MAX_ITEMS = 100  # entries kept of any one list or mapping
MAX_DEPTH = 6
SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "credential")
_ENCODER = DjangoJSONEncoder()


def safe_text(value: str, limit: int = MAX_TEXT) -> str:
    """Text any database stores: NUL and lone surrogates written out as escapes, long text cut."""
    if "\x00" in value:
        value = value.replace("\x00", "\\x00")  # PostgreSQL refuses NUL in text and in jsonb
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no database driver can encode them
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(value) > limit:
        keep = max(limit - len(f"… [{len(value)} more characters]"), 0)
        value = f"{value[:keep]}… [{len(value) - keep} more characters]"[-limit:]
    return value


def _text_of(value: object) -> str:
    try:
        return str(value)
    except Exception:  # a broken __str__ must not cost the audit row
        return f"<{type(value).__name__}>"


def safe_data(value: Any, depth: int = 0) -> Any:
    """A JSON value any database stores, made from whatever a caller passed."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**15 else safe_text(_text_of(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else _text_of(value)  # JSON has no NaN or infinity
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta | decimal.Decimal | uuid.UUID):
        return safe_text(_ENCODER.default(value))
    if depth >= MAX_DEPTH:
        return safe_text(_text_of(value), 200)
    if isinstance(value, Mapping):
        items = list(value.items())
        kept = {safe_text(_text_of(k), 200): safe_data(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            kept["…"] = f"{len(items) - MAX_ITEMS} more entries"
        return kept
    if isinstance(value, list | tuple | set | frozenset):
        entries = list(value)
        kept_list = [safe_data(v, depth + 1) for v in entries[:MAX_ITEMS]]
        if len(entries) > MAX_ITEMS:
            kept_list.append(f"… {len(entries) - MAX_ITEMS} more entries")
        return kept_list
    return safe_text(_text_of(value))


def _user(actor: object) -> User | None:
    """The actor as a user row the audit can point at, or None (the system, or not a saved user)."""
    return actor if isinstance(actor, get_user_model()) and actor.pk is not None else None  # type: ignore[return-value]


def _label(actor: object) -> str:
    if actor is None:
        return "system"
    return safe_text(_text_of(getattr(actor, "username", None) or actor), 150)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    outcome: str = "done",
    data: dict[str, Any] | None = None,
    source: str = "",
) -> AuditEvent:
    """Append one event; called inside the service's own transaction."""
    return AuditEvent.objects.create(
        occurred_at=dates.now(),
        actor=_user(actor),
        actor_label=_label(actor),
        action=safe_text(action, 80),
        outcome=safe_text(outcome, 16),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=safe_text(str(target.pk), 64) if target is not None else "",
        source=safe_text(source, 120),
        data=safe_data(data or {}),
    )


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    targets: Iterable[tuple[str, Any]],
    data: dict[str, Any] | None = None,
    source: str = "",
) -> int:
    """Append one event per (object type, id) in one statement, for set-based jobs."""
    occurred = dates.now()
    stored = safe_data(data or {})
    rows = [
        AuditEvent(
            occurred_at=occurred,
            actor=_user(actor),
            actor_label=_label(actor),
            action=safe_text(action, 80),
            object_type=safe_text(object_type, 80),
            object_id=safe_text(str(object_id), 64),
            source=safe_text(source, 120),
            data=stored,
        )
        for object_type, object_id in targets
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _inputs(kwargs: Mapping[str, Any]) -> dict[str, str]:
    """What the caller passed, as text; values of secret-sounding names are never kept."""
    return {
        name: "[redacted]" if any(word in name.lower() for word in SECRET_WORDS) else _text_of(value)
        for name, value in kwargs.items()
        if name != "actor"
    }


def _record_failure(*, actor: Any, action: str, outcome: str, data: dict[str, Any]) -> None:
    """Write the refusal (or error) row; if even that fails, a bare row saying so, never a new exception."""
    for attempt in (data, {"unrecorded": "the details of this attempt could not be stored"}):
        try:
            with transaction.atomic():  # a savepoint: a failed insert must not doom the caller's transaction
                audit_record(actor=actor, action=action, outcome=outcome, data=attempt)
            return
        except DatabaseError:
            log.exception("could not audit %s (%s)", action, outcome)


def audited_refusals(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a refused, unauthorised or failed call after its transaction rolled back, then re-raise."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except Exception as error:
                # The service's own transaction has rolled back; an enclosing one that is already doomed
                # would lose the row anyway, so only write where it can stick.
                if not transaction.get_connection().needs_rollback:
                    _record_failure(actor=kwargs.get("actor"), action=action, **_describe(error, kwargs))
                raise

        return wrapper

    return decorate


def _describe(error: Exception, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The outcome and data of a failed call: a domain refusal, or an error (a bug, not a "no")."""
    if isinstance(error, DomainError):
        outcome = "denied" if isinstance(error, PermissionDenied) else "refused"
        return {
            "outcome": outcome,
            "data": {"rules": list(error.rules), "message": error.message, "input": _inputs(kwargs)},
        }
    # Type and message only: a traceback shows code and local values, which is no business of the trail
    return {
        "outcome": "error",
        "data": {"error": type(error).__name__, "message": _text_of(error), "input": _inputs(kwargs)},
    }


@transaction.atomic
def audit_trail_exported(*, actor: User, filters: Mapping[str, Any], events: int, source: str = "portal") -> AuditEvent:
    """Record that someone took a copy of the trail (as `export-audit` does): the filters they asked for and
    how many events the file holds. Only those who read the whole trail export it."""
    access_require_role(actor, AUDIT_ROLES, action="export the audit trail")
    return audit_record(
        actor=actor,
        action="audit.export",
        data={"filters": {k: v for k, v in filters.items() if v}, "format": "csv", "events": events},
        source=source,
    )
