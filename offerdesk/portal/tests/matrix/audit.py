"""The matrix rows of the auditor's pages: operators and auditors read the whole trail (access.AUDIT_ROLES);
everyone else is refused the pages (403, ADR 28), whatever the event."""

from __future__ import annotations

from offerdesk.audit.models import AuditEvent

from . import Row, World, only

READERS = only(("operator", "auditor", "superuser"), others=403)


def an_event(world: World) -> dict[str, int]:
    """The first step of the owner's voucher (made for the purpose): an event every reader may open."""
    world.cso  # noqa: B018 - its nomination, referral and voucher are on the trail
    return {"pk": AuditEvent.objects.order_by("pk").values_list("pk", flat=True).first() or 0}


ROWS: dict[str, Row] = {
    "portal:staff-audit": Row(expect=READERS),
    "portal:staff-audit-event": Row(expect=READERS, kwargs=an_event),
}
