"""Background tasks of the notifications app (django.tasks)."""

from django.tasks import task

from .services import outbox_deliver


@task()
def deliver_outbox() -> int:
    """Send whatever the outbox holds."""
    return outbox_deliver()
