"""Periodic jobs of accounts (run by Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.accounts.tasks.expire_delegations")
def expire_delegations() -> int:
    """Leave the audit trace of delegations (ủy quyền) whose date range has passed."""
    from .services import delegations_expire

    return delegations_expire()
