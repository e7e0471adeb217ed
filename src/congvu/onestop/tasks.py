"""Periodic jobs of the one-stop shop (Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.onestop.tasks.notify_overdue_steps")
def notify_overdue_steps() -> int:
    """Nhắc hồ sơ quá hạn: one in-app notice a day to each official holding an overdue step."""
    from .notify import overdue_step_notices

    return overdue_step_notices()


@shared_task(name="congvu.onestop.tasks.purge_pending_uploads")
def purge_pending_uploads() -> int:
    """Drop files kept for online forms that were never sent (older than a day)."""
    from .services.pending import pending_uploads_purge

    return pending_uploads_purge()
