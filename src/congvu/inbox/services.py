"""Writes of the inbox: notifications (thông báo) and the daily reminder (nhắc việc)."""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from congvu.audit.services import log_action, snapshot
from congvu.core.errors import TransitionNotAllowed
from congvu.core.faults import checkpoint

from .models import Notification

DAILY_REMINDER = "daily_reminder"
OVERDUE_LINES = 10


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Đánh dấu đã đọc: unread → read (the caller fetched it through ``restrict``)."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.read_at is not None:
        raise TransitionNotAllowed(_("Thông báo này đã được đánh dấu đã đọc."))
    before = snapshot(notification)
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    log_action(
        actor=actor,
        action="congvu.inbox.notification.read",
        obj=notification,
        before=before,
        after=snapshot(notification),
    )
    return notification


def _reminder_text(counts: dict[str, int], labels: dict[str, str], overdue: list) -> str:
    lines = [_("Các việc đang chờ đồng chí xử lý:"), ""]
    for key, count in counts.items():
        if count:
            lines.append(f"- {labels[key]}: {count}")
    if overdue:
        lines += ["", _("Văn bản quá hạn:")]
        for doc in overdue:
            deadline = doc.deadline.strftime("%d/%m/%Y") if doc.deadline else "—"
            lines.append(
                _("- %(number)s – %(subject)s (hạn %(deadline)s)")
                % {
                    "number": doc.number_notation,
                    "subject": doc.subject[:120],
                    "deadline": deadline,
                }
            )
    return "\n".join(lines)


@transaction.atomic
def daily_reminder_send(*, user, today: datetime.date | None = None) -> Notification | None:
    """Create today's reminder for ``user`` if they have open work; mail it after commit.

    Idempotent per user and day: the unique (user, kind, day) row is the
    marker, so a second run the same day creates and sends nothing.
    """
    from .selectors import CATEGORIES, inbox_counts, overdue_documents

    today = today or timezone.localdate()
    if Notification.objects.filter(user=user, kind=DAILY_REMINDER, day=today).exists():
        return None
    counts = inbox_counts(user)
    if not any(counts.values()):
        return None
    with override("vi"):
        labels = {c.key: str(c.label) for c in CATEGORIES}
        overdue = list(
            overdue_documents(user, today=today).order_by("deadline", "pk")[:OVERDUE_LINES]
        )
        total = sum(counts.values())
        title = _("Nhắc việc ngày %(day)s: %(n)s việc đang chờ") % {
            "day": today.strftime("%d/%m/%Y"),
            "n": total,
        }
        body = _reminder_text(counts, labels, overdue)
    url = reverse("inbox:home")
    notification, created = Notification.objects.get_or_create(
        user=user,
        kind=DAILY_REMINDER,
        day=today,
        defaults={"title": title, "body": body, "url": url},
    )
    if not created:
        return None
    log_action(
        actor=None,
        action="congvu.inbox.notification.created",
        obj=notification,
        after=snapshot(notification),
    )
    if user.email:
        email = user.email
        transaction.on_commit(lambda: send_mail(title, body, None, [email]))
    return notification


def daily_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the daily reminder to every active official with open work; returns how many."""
    from congvu.accounts.models import Position, User

    today = today or timezone.localdate()
    holders = Position.objects.active().values("user_id")
    users = User.objects.filter(pk__in=holders, is_active=True, kind="official").order_by("pk")
    sent = 0
    for user in users.iterator():
        if daily_reminder_send(user=user, today=today) is not None:
            sent += 1
        checkpoint("inbox.reminders.between_users")  # this user's reminder is committed
    return sent
