"""People: officials (cán bộ) and portal accounts (công dân, doanh nghiệp)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedQuerySet

from .constants import ApplicantType, Confidentiality, Role, UserKind


class CongvuUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """Tài khoản: an official (cán bộ) or a portal account (công dân, doanh nghiệp).

    One table for both so sessions, password reset and audit work the same way;
    ``kind`` keeps them apart and portal accounts never reach internal pages.
    """

    kind = models.CharField(
        _("loại tài khoản"), max_length=10, choices=UserKind.choices, default=UserKind.OFFICIAL
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email_verified = models.BooleanField(_("đã xác minh thư điện tử"), default=False)
    applicant_type = models.CharField(
        _("loại người nộp"), max_length=10, choices=ApplicantType.choices, blank=True
    )
    id_number = models.CharField(_("số định danh/CCCD"), max_length=20, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    ldap_dn = models.CharField(max_length=255, blank=True, editable=False)

    objects = CongvuUserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        ordering = ["full_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="accounts_user_email_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN


class PositionQuerySet(RestrictedQuerySet):
    def active(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            unit__valid_from__lte=day,
        ).filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=day))


class Position(models.Model):
    """Chức vụ: a person's post in a unit, carrying one role, for a date range."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="positions", verbose_name=_("cán bộ")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="positions", verbose_name=_("đơn vị")
    )
    title = models.CharField(
        _("chức vụ"),
        max_length=120,
        help_text=_("Ví dụ: Chủ tịch, Phó Chánh Văn phòng, Chuyên viên."),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    clearance = models.PositiveSmallIntegerField(
        _("được xem văn bản mật"), choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    is_primary = models.BooleanField(_("chức vụ chính"), default=True)
    valid_from = models.DateField(_("từ ngày"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["unit__path", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(valid_to__isnull=True),
                name="accounts_position_unique_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.unit}"


class DelegationQuerySet(RestrictedQuerySet):
    def active(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day, end_date__gte=day, revoked_at__isnull=True)


class Delegation(models.Model):
    """Ủy quyền: a leader lets a deputy act for them in a unit for a date range.

    It ends by itself: ``active()`` looks at the dates, and the periodic job
    ``expire_delegations`` writes the audit record when the range has passed.
    """

    delegator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("người ủy quyền"),
    )
    delegate = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("người được ủy quyền"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="delegations", verbose_name=_("đơn vị")
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    expired_logged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="accounts_delegation_range"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="accounts_delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y})"

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.revoked_at is None and self.start_date <= day <= self.end_date


class LoginThrottle(models.Model):
    """Failed-login counter for one key (a username or a client address).

    Kept in the database, not the cache, so several app processes share it.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khóa đăng nhập")
        verbose_name_plural = _("khóa đăng nhập")

    def __str__(self) -> str:
        return self.key
