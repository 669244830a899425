"""The matrix rows of /audit: everyone reads the trail within their scope (ADR 10: operators and auditors all of
it, anyone else their own steps and their tenant's); the operator's first step for the owner's voucher is theirs
and the readers' of the whole trail. Only those may export it (403, ADR 28)."""

from __future__ import annotations

from offerdesk.portal.tests.matrix.audit import an_event

from . import Op, only, signed_in

READERS = ("operator", "auditor", "superuser")

ROWS: dict[str, Op] = {
    "audit_event_list": Op(expect=signed_in(200)),
    "audit_event_get": Op(expect=only(READERS, 200), path=lambda w: {"event_id": an_event(w)["pk"]}),
    "audit_event_export": Op(expect=only(READERS, 200, others=403)),
}
