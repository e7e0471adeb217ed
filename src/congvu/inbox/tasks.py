"""Periodic jobs of the inbox (Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.inbox.tasks.send_daily_reminders")
def send_daily_reminders() -> int:
    """Nhắc việc hằng ngày: one e-mail and one in-app notification per handler with open work."""
    from .services import daily_reminders_send

    return daily_reminders_send()
