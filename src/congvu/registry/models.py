"""Document types, registers (sổ đăng ký) and the numbers they issue (Decree 30/2020 Art. 15, 22)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager

from .constants import AdminNumbering, Direction, NumberStatus, Secrecy


class DocumentType(models.Model):
    """Loại văn bản (Art. 7, Appendix III): data, not code; Công văn has no abbreviation."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=100)
    abbreviation = models.CharField(
        _("chữ viết tắt"),
        max_length=10,
        blank=True,
        help_text=_("Để trống với Công văn và Thư công: không có chữ viết tắt."),
    )
    is_legal_normative = models.BooleanField(
        _("văn bản quy phạm pháp luật"),
        default=False,
        help_text=_("Mỗi loại văn bản QPPL có hệ thống số riêng."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class UnitNumberingPolicy(models.Model):
    """Cách đánh số của một cơ quan: one shared sequence or one per type for administrative documents."""

    unit = models.OneToOneField(
        "org.Unit", on_delete=models.PROTECT, related_name="numbering_policy"
    )
    admin_numbering = models.CharField(
        _("cách đánh số văn bản hành chính"),
        max_length=10,
        choices=AdminNumbering.choices,
        default=AdminNumbering.SHARED,
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("cách đánh số")
        verbose_name_plural = _("cách đánh số")

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_admin_numbering_display()}"


class Register(models.Model):
    """Sổ đăng ký: one numbering sequence of a unit for a year and direction.

    ``sequence_key`` is ``*`` for the shared administrative sequence or a
    document-type code for a per-type (always for văn bản QPPL) sequence.
    "Mật" documents have their own registers (``secrecy``). ``last_number``
    is the counter, advanced only under a row lock in the issuing transaction.
    """

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="registers", verbose_name=_("cơ quan")
    )
    direction = models.CharField(_("loại sổ"), max_length=3, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    secrecy = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    sequence_key = models.CharField(max_length=40, default="*")
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loại văn bản"),
    )
    name = models.CharField(_("tên sổ"), max_length=200)
    last_number = models.PositiveIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("sổ đăng ký")
        verbose_name_plural = _("sổ đăng ký")
        ordering = ["-year", "unit__path", "direction", "secrecy", "sequence_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "direction", "year", "secrecy", "sequence_key"],
                name="registry_register_unique_sequence",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class IssuedNumber(models.Model):
    """Số đã cấp: every number a register gave out, used or voided with its reason.

    The unique constraint is the last line of defence against a number being
    issued twice; the register's row lock keeps the sequence gap-free.
    """

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="numbers")
    number = models.PositiveIntegerField(_("số"))
    status = models.CharField(
        max_length=10, choices=NumberStatus.choices, default=NumberStatus.USED
    )
    issued_at = models.DateTimeField(_("cấp lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    void_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("số đã cấp")
        verbose_name_plural = _("số đã cấp")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"], name="registry_number_unique_in_register"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="registry_number_positive"),
            models.CheckConstraint(
                condition=Q(status="used") | ~Q(void_reason=""), name="registry_void_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d} ({self.register})"
