"""The matrix rows of /tokens: everyone signed in has their own tokens and no one else's (404); a token makes no
other token (403: tokens are made in the portal or with its session)."""

from __future__ import annotations

from typing import Any

from offerdesk.apikeys.models import ApiToken
from offerdesk.apikeys.services import api_token_create

from . import Op, World, only, signed_in


def owners_token(world: World) -> dict[str, Any]:
    """A token of the owner's, made before the matrix asks (the owner's own calls use another)."""
    owner = world.persona("owner")
    assert owner is not None
    token = ApiToken.objects.filter(user=owner, name="owner's other token").first()
    if token is None:
        token = api_token_create(actor=owner, name="owner's other token", scope="read").token
    return {"token_id": token.pk}


ROWS: dict[str, Op] = {
    "token_list": Op(expect=signed_in(200)),
    "token_create": Op(expect=signed_in(403), body=lambda world: {"name": "script", "scope": "read"}),
    "token_get": Op(expect=only(("owner",), 200), path=owners_token),
    "token_revoke": Op(expect=only(("owner",), 200), path=owners_token),
}
