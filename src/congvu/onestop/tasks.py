"""Periodic jobs of the one-stop shop (Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.onestop.tasks.notify_overdue_steps")
def notify_overdue_steps() -> int:
    """Nhắc hồ sơ quá hạn: one in-app notice a day to each official holding an overdue step."""
    from .notify import overdue_step_notices

    return overdue_step_notices()
