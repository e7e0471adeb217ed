"""Periodic jobs of signatures (run by Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.signatures.tasks.signing_key_expiry")
def signing_key_expiry() -> int:
    """Tell holders and unit administrators once per threshold that a key is about to expire."""
    from .expiry import expiry_notices_send

    return expiry_notices_send()
