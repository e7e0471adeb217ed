"""Periodic jobs of payments (Celery beat; ``congvu run_periodic`` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.payments.tasks.expire_payments")
def expire_payments() -> int:
    from .services import payments_expire_overdue

    return payments_expire_overdue()
