"""In-app notifications (thông báo) of the inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class Notification(models.Model):
    """Thông báo: a message shown to one official in "Việc của tôi" until marked read.

    ``kind`` and ``day`` make periodic notifications idempotent: the daily
    reminder (nhắc việc hằng ngày) exists at most once per user and day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại thông báo"), max_length=30, default="message")
    day = models.DateField(_("ngày"), null=True, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "day"],
                condition=models.Q(day__isnull=False),
                name="inbox_notification_once_per_day",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="inbox_notif_user_read")]

    def __str__(self) -> str:
        return self.title
