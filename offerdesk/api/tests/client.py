"""An API caller for tests: a real token made by the service, sent as a real `Authorization` header."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT

from offerdesk.accounts.models import User
from offerdesk.apikeys.services import api_token_create

BASE = "/api/v1"


class Api:
    """Calls /api/v1 as `user` with a token of `scope` (read or write); `secret=None` sends no token at all."""

    def __init__(self, user: User | None, scope: str = "write", *, secret: str | None = None) -> None:
        self.client = Client()
        self.user = user
        if secret is None and user is not None:
            secret = api_token_create(actor=user, name=f"tests {scope}", scope=scope).secret
        self.secret = secret
        self.last: Any = None

    def headers(self, key: str | None = None, **extra: str) -> dict[str, str]:
        found = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        if key is not None:
            found["Idempotency-Key"] = key
        return found | extra

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        self.last = self.client.get(BASE + path, params or {}, headers=self.headers(**headers))
        return self.last

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        call = getattr(self.client, method.lower())
        self.last = call(BASE + path, data=data, content_type=content_type, headers=self.headers(key))
        return self.last

    def post(self, path: str, body: Any = None, *, key: str | None = None) -> Any:
        return self.send("POST", path, body, key=key)

    def delete(self, path: str, *, key: str | None = None) -> Any:
        return self.send("DELETE", path, key=key)

    def upload(self, path: str, data: dict[str, Any], *, key: str | None = None) -> Any:
        self.last = self.client.post(BASE + path, data=data, content_type=MULTIPART_CONTENT, headers=self.headers(key))
        return self.last


def problem_of(response: Any) -> dict[str, Any]:
    """The problem document of an error answer (and that it is one)."""
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body
