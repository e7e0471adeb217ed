"""Calendar overrides (điều chỉnh lịch làm việc) on top of the national holiday data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ thêm")
    WORK_DAY = "work_day", _("Ngày làm bù")


class CalendarOverride(models.Model):
    """Điều chỉnh lịch làm việc: an extra day off or a make-up working day.

    Added by an administrator when a decision (of the Prime Minister, the
    Ministry of Home Affairs or the agency itself) changes the calendar that the
    ``holidays`` package knows. ``unit`` null means everywhere; otherwise the
    override applies to that unit and the units under it. Overrides are never
    deleted: they are revoked (``revoked_at``), so past deadlines can be
    explained.
    """

    date = models.DateField(_("ngày"), db_index=True)
    kind = models.CharField(_("loại"), max_length=10, choices=OverrideKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        verbose_name=_("áp dụng cho đơn vị"),
        help_text=_("Để trống nếu áp dụng cho mọi cơ quan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thời điểm hủy"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người hủy"),
    )
    revoke_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
