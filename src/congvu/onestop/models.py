"""Dossiers of the one-stop shop (hồ sơ thủ tục hành chính) and their processing.

A dossier is received at one unit's desk (``receiving_unit``) and decided by
the competent unit (``competent_unit``), which may be elsewhere (liên thông,
phi địa giới). Its steps are copied from the procedure's internal process at
reception; every handover is a :class:`DossierStep`; every stop of the legal
clock is a :class:`ClockPause`; every change the citizen may see is a
:class:`DossierEvent`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import ApplicantType, Role
from congvu.core.authz import RestrictedManager
from congvu.procedures.constants import Channel

from .constants import (
    NATIONAL_STATUS,
    DossierStatus,
    FormCode,
    PauseReason,
    ResultDelivery,
    StepOutcome,
)


def _public_token() -> str:
    return secrets.token_urlsafe(24)


class DossierCounter(models.Model):
    """Bộ đếm: the last number given in one sequence of one unit.

    ``key`` is ``code:YYMMDD`` for the daily dossier-code sequence and
    ``book:YYYY`` for the Sổ theo dõi hồ sơ. The row is locked while a number
    is taken, so numbers never repeat or skip.
    """

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("bộ đếm hồ sơ")
        verbose_name_plural = _("bộ đếm hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "key"], name="onestop_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.key}={self.last}"


class Dossier(models.Model):
    """Hồ sơ thủ tục hành chính: one application by a citizen or business.

    ``code`` is ``{mã định danh}-{yymmdd}-{nnnn}`` (Decree 61/2018), given when
    the dossier is first recorded. ``public_token`` is the unguessable handle
    used in citizens' URLs; the code alone never opens a dossier.
    ``due_at`` is the appointment (hẹn trả) computed at reception, pauses
    included as they happen; ``extended_due_at`` the new date of a Mẫu 04.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    public_token = models.CharField(
        max_length=64, unique=True, default=_public_token, editable=False
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    process = models.ForeignKey(
        "procedures.ProcessDefinition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    receiving_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("nơi tiếp nhận"),
    )
    competent_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        verbose_name=_("cơ quan giải quyết"),
    )
    channel = models.CharField(_("kênh nộp"), max_length=20, choices=Channel.choices)
    # Phi địa giới (Decree 118/2025): received at a desk that is not the
    # competent unit's own, and routed there.
    beyond_boundary = models.BooleanField(_("tiếp nhận phi địa giới"), default=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DossierStatus.choices,
        default=DossierStatus.SUBMITTED,
    )
    # Applicant (người nộp hồ sơ).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("tài khoản người nộp"),
    )
    applicant_type = models.CharField(
        max_length=20, choices=ApplicantType.choices, default=ApplicantType.PERSON
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    subject = models.TextField(_("nội dung yêu cầu"), blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    result_delivery = models.CharField(
        _("nhận kết quả tại"),
        max_length=20,
        choices=ResultDelivery.choices,
        default=ResultDelivery.OFFICE,
    )
    # Times.
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    clock_start_at = models.DateTimeField(_("thời điểm bắt đầu tính hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("hẹn lại"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("thời điểm kết thúc"),
        null=True,
        blank=True,
        help_text=_("Xử lý xong, từ chối, rút hoặc dừng: hồ sơ không còn tính hạn."),
    )
    # Set when the dossier finishes: trước hạn / đúng hạn / quá hạn against due_at.
    outcome = models.CharField(
        _("kết quả xử lý"), max_length=10, choices=StepOutcome.choices, blank=True
    )
    # The applicant's rating (Rating), copied here by dossier_rate in the same transaction:
    # the statistics count ratings in the same pass over the covering index as
    # everything else instead of joining a million dossiers to the ratings
    # (docs/onestop.md, "Statistics").
    rating_score = models.PositiveSmallIntegerField(
        _("mức độ hài lòng"), null=True, blank=True, editable=False
    )
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True, editable=False)
    # The start of the open ClockPause, if any (kept by open_pause/close_pause in the same
    # transaction): the statistics tell a dossier paused now from the row, without a join.
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True, editable=False)
    # The due moment when that pause started (ClockPause.due_at_start): "paused overdue"
    # is judged against it, whatever a Mẫu 04 issued during the pause says.
    paused_due = models.DateTimeField(null=True, blank=True, editable=False)
    # Sổ theo dõi hồ sơ: quyển số (the year) and số thứ tự in the receiving unit's book.
    book_year = models.PositiveSmallIntegerField(null=True, blank=True)
    book_number = models.PositiveIntegerField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    current_step = models.ForeignKey(
        "DossierStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result_document = models.ForeignKey(
        "outgoing.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("văn bản kết quả"),
    )
    # Nghĩa vụ tài chính: the amount last asked for (đồng) and the reference of the
    # payment that settled it (payments app), which makes settling idempotent.
    payment_amount = models.PositiveBigIntegerField(_("số tiền phải nộp"), null=True, blank=True)
    payment_reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_unit", "status"], name="onestop_recv_status_idx"),
            models.Index(fields=["competent_unit", "status"], name="onestop_comp_status_idx"),
            # Covering on PostgreSQL: the Decision 766 statistics read only these
            # columns, so a period's dossiers come from the index alone.
            models.Index(
                fields=["receiving_unit", "received_at"],
                include=[
                    "closed_at",
                    "status",
                    "channel",
                    "outcome",
                    "due_at",
                    "extended_due_at",
                    "procedure",
                    "id",
                    "rating_score",
                    "rated_at",
                    "paused_at",
                    "paused_due",
                ],
                name="onestop_recv_at_idx",
            ),
            models.Index(fields=["applicant", "submitted_at"], name="onestop_applicant_idx"),
            models.Index(fields=["status", "due_at"], name="onestop_status_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_unit", "book_year", "book_number"],
                condition=Q(book_number__isnull=False),
                name="onestop_book_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[self.status]

    @property
    def effective_due_at(self):
        return self.extended_due_at or self.due_at


class DossierPaper(models.Model):
    """Giấy tờ trong hồ sơ: one required (or extra) paper as submitted, with its file."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    required_paper = models.ForeignKey(
        "procedures.RequiredPaper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(_("hình thức"), max_length=20, blank=True)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 0 for the first submission, n for the n-th supplement round.
    round = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("giấy tờ trong hồ sơ")
        verbose_name_plural = _("giấy tờ trong hồ sơ")
        ordering = ["dossier", "round", "pk"]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """Bước xử lý của hồ sơ: one row of Mẫu 05, from handover (giao) to the next handover.

    ``budget_hours`` is copied from the process step so the rating never
    changes when the process is edited. ``due_at`` includes pauses that
    happened during the step. ``outcome`` is set when the step finishes.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    process_step = models.ForeignKey(
        "procedures.ProcessStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("tên bước"), max_length=255)
    kind = models.CharField(_("loại bước"), max_length=20)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
        verbose_name=_("người xử lý"),
    )
    budget_hours = models.DecimalField(max_digits=7, decimal_places=2)
    started_at = models.DateTimeField(_("thời điểm nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm giao"), null=True, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người giao"),
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    outcome = models.CharField(max_length=10, choices=StepOutcome.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "order"]
        indexes = [
            models.Index(fields=["assignee", "finished_at"], name="onestop_step_assignee_idx"),
            models.Index(fields=["unit", "finished_at"], name="onestop_step_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.order} {self.name}"


class ClockPause(models.Model):
    """Tạm dừng tính hạn: an interval in which the legal clock does not run."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("lý do"), max_length=20, choices=PauseReason.choices)
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # The dossier's (extended) due moment when the clock stopped: paused overdue if it had
    # passed. Null for pauses recorded before it was kept.
    due_at_start = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(_("nội dung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("tạm dừng tính hạn")
        verbose_name_plural = _("tạm dừng tính hạn")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="onestop_one_open_pause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.reason} {self.started_at}"


class DueChange(models.Model):
    """Thay đổi hẹn trả: the due moment a dossier had before a change, and when it changed.

    Written by the services wherever the (extended) due moment moves after
    reception: a resume pushes it by the pause's office time, a Mẫu 04 sets a
    new appointment. The statistics of a past period read the due moment as it
    was then from the first change after that period's end.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="due_changes")
    changed_at = models.DateTimeField()
    previous_due = models.DateTimeField()
    new_due = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("thay đổi hẹn trả")
        verbose_name_plural = _("thay đổi hẹn trả")
        ordering = ["dossier", "changed_at", "pk"]
        indexes = [models.Index(fields=["changed_at"], name="onestop_due_change_at_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.previous_due} → {self.new_due}"


class DossierEvent(models.Model):
    """Lịch sử hồ sơ: one change, with the status after it; the citizen sees the public ones."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("nội dung"), blank=True)
    public = models.BooleanField(default=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"


class DossierForm(models.Model):
    """Phiếu đã phát hành: one issued form (Mẫu 01–05) with what it said, for reprinting."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(max_length=10, choices=FormCode.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the form states that is not on the dossier: missing papers (02),
    # the refusal reason (03), the delay reason and new date (04).
    content = models.JSONField(default=dict, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("phiếu hồ sơ")
        verbose_name_plural = _("phiếu hồ sơ")
        ordering = ["dossier", "issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.form}"


class Rating(models.Model):
    """Đánh giá mức độ hài lòng: the applicant's rating after the result (scale is a setting)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    comment = models.TextField(_("góp ý"), blank=True)
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"


# Kept in its own module (this one is long); imported so Django registers it.
from .uploads import PendingUpload  # noqa: E402, F401
