"""Your own API tokens: list them, make one (with the portal's session only: a token makes no other token), revoke
one. The secret is in the answer that makes the token, and never again."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.apikeys.models import ApiToken
from offerdesk.apikeys.selectors import api_token_get_for, api_token_list
from offerdesk.apikeys.services import api_token_create, api_token_revoke
from offerdesk.core.errors import PermissionDenied

from .auth import caller, request_token
from .lists import ListParams, Page, page_of
from .middleware import answer_holds_a_secret
from .schemas import Input

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters after odk_, to tell tokens apart.")
    scope: str = Field(description="read or write.")
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @staticmethod
    def of(token: ApiToken) -> TokenOut:
        return TokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            scope=token.scope,
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
            last_used_at=token.last_used_at,
        )


class NewTokenOut(TokenOut):
    secret: str | None = Field(
        description="The token itself: shown this once, store it now (null in a replay of the same Idempotency-Key)."
    )


class TokenIn(Input):
    name: str = Field(description="What the token is for.")
    scope: str = Field(description="read (GET only) or write (every method).")
    days: int | None = Field(None, description="Valid for this many days (default 90, at most 365).")


ORDERINGS = {"newest": "-created_at", "oldest": "created_at"}


@router.get("/", response=Page[TokenOut], operation_id="token_list", summary="Your API tokens")
def token_list_op(request: HttpRequest, params: Query[ListParams]) -> Page[TokenOut]:
    rows, after = page_of(api_token_list(user=caller(request)), params, orderings=ORDERINGS, default="newest")
    return Page[TokenOut](items=[TokenOut.of(t) for t in rows], next=after)


@router.post("/", response={201: NewTokenOut}, operation_id="token_create", summary="Make an API token")
def token_create_op(request: HttpRequest, body: TokenIn) -> Status[NewTokenOut]:
    if request_token(request) is not None:
        raise PermissionDenied("API tokens are made in the portal (or with its session), not with another token")
    made = api_token_create(actor=caller(request), name=body.name, scope=body.scope, days=body.days)
    answer_holds_a_secret(request)
    return Status(201, NewTokenOut(**TokenOut.of(made.token).model_dump(), secret=made.secret))


@router.get("/{token_id}", response=TokenOut, operation_id="token_get", summary="One of your API tokens")
def token_get_op(request: HttpRequest, token_id: int) -> TokenOut:
    return TokenOut.of(api_token_get_for(user=caller(request), key=token_id))


@router.delete("/{token_id}", response=TokenOut, operation_id="token_revoke", summary="Revoke an API token")
def token_revoke_op(request: HttpRequest, token_id: int) -> TokenOut:
    return TokenOut.of(api_token_revoke(actor=caller(request), token_id=token_id))
