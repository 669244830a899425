"""The matrix rows of /referrals: Contoso's referral is Fabrikam's (the owner's) and staff's. It is accepted
already, so an answer is refused (400) for whoever may answer for the partner (its users, operators and
reviewers on its behalf); a seller, finance or an auditor may not (403)."""

from __future__ import annotations

from typing import Any

from offerdesk.vouchers.models import Referral

from . import Op, World, only, signed_in
from .nominations import SEES_NOMINATION

ANSWER = only(SEES_NOMINATION, 400, seller=403, finance=403, auditor=403)


def referral(world: World) -> dict[str, Any]:
    return {"referral_id": Referral.objects.get(nomination_id=world.cso.nomination_id).pk}


ROWS: dict[str, Op] = {
    "referral_list": Op(expect=signed_in(200)),
    "referral_get": Op(expect=only(SEES_NOMINATION, 200), path=referral),
    "referral_accept": Op(expect=ANSWER, path=referral),
    "referral_decline": Op(expect=ANSWER, path=referral, body=lambda world: {"reason": ""}),
}
