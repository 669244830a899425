"""The base models every domain model builds on: time-stamped rows, and append-only rows."""

from typing import Any

from django.db import models

from . import dates


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed, by the domain clock (`dates.now`)."""

    created_at = models.DateTimeField(default=dates.now, editable=False)
    updated_at = models.DateTimeField(default=dates.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.updated_at = dates.now()
        super().save(*args, **kwargs)


class AppendOnlyError(Exception):
    """An append-only row was about to be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """A queryset that can add rows and read them, never rewrite or remove them in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} rows are never deleted")


class AppendOnlyModel(models.Model):
    """A row that is written once and then only read: saving it again or deleting it raises.

    The database triggers of migration-time (ADR 3) back this up for every path that bypasses the ORM."""

    append_only_noun = "rows"  # how the refusals name these rows, e.g. "ledger entries"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{self.append_only_noun} are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self.append_only_noun} are never deleted")
