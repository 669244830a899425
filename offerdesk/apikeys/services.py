"""Personal API tokens and idempotency keys (ADR 29): made, used, revoked and pruned only here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import IntegrityError, transaction

from offerdesk.accounts.access import mfa_required_for
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates, parsing
from offerdesk.core.errors import NotFound, PermissionDenied

from .choices import KeyState, TokenScope
from .lock_objects import api_token_lock, idempotency_key_lock
from .models import ApiToken, IdempotencyKey

if TYPE_CHECKING:
    from offerdesk.accounts.models import User

TOKEN_START = "odk_"  # every OfferDesk token starts so: a secret scanner can find one pasted where it should not be
PREFIX_LENGTH = 8  # the characters after TOKEN_START that the token's list shows
MAX_KEY_LENGTH = 255


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made, with its secret: shown once, never stored."""

    token: ApiToken
    secret: str


@audited_refusals("api_token.create")
def api_token_create(*, actor: User, name: object, scope: object, days: object = None) -> NewToken:
    """A personal token for `actor`, acting with its role and tenant scope (read-only or read-write), valid for
    `days` (1 … OFFERDESK_API_TOKEN_MAX_DAYS; OFFERDESK_API_TOKEN_DAYS when not given). A role that signs in
    with a second factor makes tokens only once it has one (ADR 29)."""
    if mfa_required_for(actor) and not is_mfa_enabled(actor):
        raise PermissionDenied("set up a second factor before making an API token: your role signs in with one")
    if not actor.is_active:
        raise PermissionDenied("an inactive user makes no API token")
    label = parsing.parse_name(name, field="name", max_length=80)
    chosen = parsing.parse_choice(scope, field="scope", choices=TokenScope.values)
    valid_days = (
        settings.OFFERDESK_API_TOKEN_DAYS
        if days in (None, "")
        else parsing.parse_whole(days, field="days", minimum=1, maximum=settings.OFFERDESK_API_TOKEN_MAX_DAYS)
    )
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = dates.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=label,
            prefix=secret[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH],
            digest=_digest(secret),
            scope=chosen,
            created_at=now,
            expires_at=now + dt.timedelta(days=valid_days),
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            target=token,
            data={"name": label, "scope": chosen, "expires_at": token.expires_at, "prefix": token.prefix},
        )
    return NewToken(token=token, secret=secret)


@audited_refusals("api_token.revoke")
def api_token_revoke(*, actor: User, token_id: object) -> ApiToken:
    """Revoke one of the actor's own tokens (anyone else's is not found); revoking twice is revoking once."""
    pk = parsing.parse_whole(token_id, field="token", minimum=1)
    with transaction.atomic():
        token = api_token_lock(user=actor, token_id=pk)
        if token is None:
            raise NotFound(f"no API token {pk}")
        if token.revoked_at is None:
            token.revoked_at = dates.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", target=token, data={"prefix": token.prefix})
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token this secret is (with its user), or None: unknown, expired, revoked, or its user inactive.
    Its last use is written at most once a minute, so that reads stay reads."""
    if not secret.startswith(TOKEN_START) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    now = dates.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# ------------------------------------------------------------------------------------------ idempotency


@dataclass(frozen=True)
class Claim:
    """What an `Idempotency-Key` found: a new key (`key` to answer with), or an earlier request's key."""

    key: IdempotencyKey
    new: bool


def idempotency_key_parse(raw: str) -> str:
    """A key as clients send it: 1 … 255 visible ASCII characters (OD-IN-01)."""
    if not raw or len(raw) > MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in raw):
        raise parsing.refuse("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} visible ASCII characters")
    return raw


def idempotency_claim(*, user: User, key: str, fingerprint: str) -> Claim:
    """Claim `key` for this user's request, or find the request that claimed it first. A key left running longer
    than OFFERDESK_IDEMPOTENCY_STALE_SECONDS (its process died) or older than the keeping time is claimed anew."""
    now = dates.now()
    try:
        with transaction.atomic():
            claimed = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, created_at=now)
        return Claim(key=claimed, new=True)
    except IntegrityError:
        pass
    with transaction.atomic():
        found = idempotency_key_lock(user=user, key=key)
        stale = found.state == KeyState.RUNNING and now - found.created_at > dt.timedelta(
            seconds=settings.OFFERDESK_IDEMPOTENCY_STALE_SECONDS
        )
        expired = now - found.created_at > dt.timedelta(hours=settings.OFFERDESK_IDEMPOTENCY_KEEP_HOURS)
        if stale or expired:
            found.fingerprint, found.state, found.created_at = fingerprint, KeyState.RUNNING, now
            found.status, found.content_type, found.body = None, "", b""
            found.save()
            return Claim(key=found, new=True)
    return Claim(key=found, new=False)


def idempotency_answered(*, key: IdempotencyKey, status: int, content_type: str, body: bytes) -> None:
    """Keep the response a replay of `key` gets back."""
    IdempotencyKey.objects.filter(pk=key.pk).update(
        state=KeyState.DONE, status=status, content_type=content_type[:100], body=body
    )


def idempotency_release(*, key: IdempotencyKey) -> None:
    """Forget a key whose request failed on the server's side (5xx), so that the client may try again."""
    IdempotencyKey.objects.filter(pk=key.pk, state=KeyState.RUNNING).delete()


def idempotency_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than OFFERDESK_IDEMPOTENCY_KEEP_HOURS (the daily `prune` job); how many went."""
    before = (now or dates.now()) - dt.timedelta(hours=settings.OFFERDESK_IDEMPOTENCY_KEEP_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=before).delete()
    return deleted
