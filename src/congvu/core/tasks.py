"""Tasks with no domain of their own."""

from celery import shared_task


@shared_task(name="congvu.core.tasks.ping")
def ping(value: str = "pong") -> str:
    """Echo ``value`` back: proves a worker is consuming and results come back."""
    return value
