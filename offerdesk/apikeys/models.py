"""Personal API tokens (stored as their SHA-256 only) and the idempotency keys of API writes (ADR 29)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import KeyState, TokenScope


class ApiToken(models.Model):
    """A personal token: it acts as its user, with its user's role and tenant scope, narrowed by its own scope.

    The secret is shown once when the token is made; only its SHA-256 is kept, and `prefix` (the secret's first
    characters, not enough to use it) lets its owner tell tokens apart."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent with a write: the request's fingerprint and, once answered, the response
    a replay gets back instead of a second effect."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the method, path, query and body
    state = models.CharField(max_length=8, choices=KeyState.choices, default=KeyState.RUNNING)
    created_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
