"""Organisation tree (cơ quan, đơn vị) with history.

Units are never rewritten into something else: a reorganisation closes the
old unit (``valid_to``) and opens new ones linked through ``predecessors``, so
records made before keep pointing at the unit as it was (ADR 0002).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager

from .constants import AGENCY_CODE_RE, UnitKind


def validate_agency_code(value: str) -> None:
    if value and not AGENCY_CODE_RE.match(value):
        raise ValidationError(
            _("Mã định danh phải có dạng 000.00.31.H57 (13 ký tự)."), code="agency_code_format"
        )


class Unit(models.Model):
    """Cơ quan, đơn vị: one node of the organisation tree, valid for a date range."""

    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(
        _("tên viết tắt"),
        max_length=30,
        blank=True,
        help_text=_("Dùng trong ký hiệu văn bản, ví dụ UBND, VP, TP."),
    )
    code = models.CharField(
        _("mã định danh"),
        max_length=13,
        blank=True,
        validators=[validate_agency_code],
        help_text=_("Mã định danh điện tử 13 ký tự theo QCVN 102:2016, ví dụ 000.00.31.H57."),
    )
    admin_code = models.CharField(
        _("mã đơn vị hành chính"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Mã tỉnh/huyện/xã theo danh mục đơn vị hành chính (nếu có)."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_(
            "Địa danh ghi trên văn bản, ví dụ Phường 5 hoặc Phường Điện Biên Phủ; "
            "để trống thì lấy theo tên đơn vị hành chính."
        ),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("đơn vị tiền thân"),
    )
    require_2fa = models.BooleanField(
        _("bắt buộc xác thực hai lớp"),
        default=False,
        help_text=_("Cán bộ có chức vụ tại đơn vị này phải dùng mã OTP khi đăng nhập."),
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True) & ~Q(code=""),
                name="org_unit_code_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="org_unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_active(self) -> bool:
        return self.is_active_on()

    def agency_code(self) -> str:
        """The mã định danh (QCVN 102) of this unit or of its nearest ancestor that has one.

        A phòng without a code of its own speaks for its agency: edXML packages name
        that code as sender, and the duplicate check of văn bản đến compares by it.
        """
        node = self
        while node is not None:
            if node.code:
                return node.code
            node = node.parent
        return ""
