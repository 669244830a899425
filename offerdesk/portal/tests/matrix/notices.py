"""The matrix rows of the notices area's routes: everyone signed in has a notice list; a notice is its user's."""

from __future__ import annotations

from typing import Any

from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import Notice
from offerdesk.notifications.services import notice_queue

from . import Row, World, only, signed_in


def owners_notice(world: World) -> dict[str, Any]:
    """A notice of the owner's (pat's): an e-mail sent to their address."""
    owner = world.persona("owner")
    assert owner is not None and owner.email
    context = {"partner_name": "Fabrikam", "offer_name": "CSO", "customer_name": "Contoso", "tpid": "T-500"}
    message = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[owner.email], context=context)
    return {"key": Notice.objects.get(message=message, user=owner).pk}


ROWS: dict[str, Row] = {
    "portal:notices": Row(expect=signed_in(200)),
    # Marking read is a POST that goes back to the list (302); another user's notice is not found, whoever asks:
    # staff and a superuser included (ADR 23). Marking all read marks only the asker's own.
    "portal:notices-read": Row(expect=only(("owner",), 302), kwargs=owners_notice, method="post"),
    "portal:notices-read-all": Row(expect=signed_in(302), method="post"),
}
