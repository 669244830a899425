"""The apikeys app's vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class TokenScope(models.TextChoices):
    """What a personal API token may do: read only (GET), or read and write (every method)."""

    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class KeyState(models.TextChoices):
    """An idempotency key's request: still running, or answered (its response kept for replays)."""

    RUNNING = "running", "Running"
    DONE = "done", "Answered"
