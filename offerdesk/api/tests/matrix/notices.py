"""The matrix rows of /notices: everyone signed in has their own notices; a notice is its user's alone, staff and
superusers included (ADR 23); marking all read marks only the caller's own."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.notices import owners_notice

from . import Op, World, only, signed_in


def notice(world: World) -> dict[str, Any]:
    return {"notice_id": owners_notice(world)["key"]}


ROWS: dict[str, Op] = {
    "notice_list": Op(expect=signed_in(200)),
    "notice_unread_count": Op(expect=signed_in(200)),
    "notice_read_all": Op(expect=signed_in(200)),
    "notice_read": Op(expect=only(("owner",), 200), path=notice),
}
