"""The procedure catalogue (thủ tục hành chính) and internal processes (quy trình nội bộ).

A procedure is the stable identity (its national code). Everything the law
can change lives on a :class:`ProcedureVersion` with effective dates, and a
dossier keeps the version in force when it was received. Imports keep the
raw record and flag what could not be parsed unambiguously.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role
from congvu.core.authz import RestrictedManager
from congvu.core.text import fold

from .constants import Channel, DurationUnit, FeeCollectedAt, OnlineLevel, PaperForm, StepKind


class ProcedureField(models.Model):
    """Lĩnh vực: the field a procedure belongs to (Hộ tịch, Chứng thực, …)."""

    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Procedure(models.Model):
    """Thủ tục hành chính: one procedure of the national catalogue, by its national code."""

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    field = models.ForeignKey(
        ProcedureField,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("lĩnh vực"),
    )
    # Denormalised from the current version for listing and search. Real
    # names reach 900+ characters, hence text fields.
    name = models.TextField(_("tên thủ tục"))
    name_folded = models.TextField(editable=False, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__name", "name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # The search key always follows the name (bulk writes set it themselves).
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class ProcedureVersion(models.Model):
    """Phiên bản thủ tục: what the procedure requires, costs and takes, from ``valid_from``.

    ``valid_to`` is the last day in force (null: still in force). The
    processing time is the legal time ``duration_value`` in ``duration_unit``;
    ``same_day_cutoff`` is the "nhận sau 15 giờ" time for same-day procedures.
    ``raw`` keeps the imported record untouched, ``flags`` the codes of what
    the importer could not parse (empty when ``parsed_fully``).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản"), default=1)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name = models.TextField(_("tên thủ tục"))
    levels = models.JSONField(_("cấp thực hiện"), default=list, blank=True)
    kind = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    decision = models.CharField(_("quyết định công bố"), max_length=100, blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    competent_body = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    executing_body = models.TextField(_("cơ quan thực hiện"), blank=True)
    steps_text = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    legal_bases = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"),
        max_length=20,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NOT_ONLINE,
    )
    duration_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    duration_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=20,
        choices=DurationUnit.choices,
        default=DurationUnit.WORKING_DAYS,
    )
    same_day_cutoff = models.TimeField(_("giờ chốt trong ngày"), null=True, blank=True)
    raw = models.JSONField(_("bản ghi gốc"), default=dict, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    flags = models.JSONField(_("cảnh báo khi nhập"), default=list, blank=True)
    parsed_fully = models.BooleanField(_("đã phân tích đầy đủ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-valid_from", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedures_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="procedures_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ProcedureChannel(models.Model):
    """Cách thức thực hiện: one submission channel with its own time and fee text."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    duration_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    duration_unit = models.CharField(
        max_length=20, choices=DurationUnit.choices, default=DurationUnit.WORKING_DAYS
    )
    fee_text = models.TextField(_("phí, lệ phí"), blank=True)
    # Total parsed from ``fee_text`` in đồng ("Miễn phí" = 0); null when not parsed.
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return self.get_channel_display()


class RequiredPaper(models.Model):
    """Thành phần hồ sơ: one paper the applicant provides, in a form and a count."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(
        _("hình thức"), max_length=20, choices=PaperForm.choices, default=PaperForm.ORIGINAL
    )
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    template = models.ForeignKey(
        "files.StoredFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mẫu đơn, tờ khai"),
    )
    template_name = models.CharField(_("tên mẫu đơn, tờ khai"), max_length=255, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """Phí, lệ phí: an amount scheduled for a procedure version.

    ``amount`` is what the source states, in whole units of ``currency``
    (đồng unless the source says USD). ``valid_from``/``valid_to`` limit that
    amount to a period (a temporary exemption): outside it the fee is not
    known. ``reduction_*`` is a temporary reduction of the amount ("giảm 50%
    lệ phí từ … đến …"). :meth:`amount_on` applies both.
    """

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("tên khoản thu"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền"))
    currency = models.CharField(_("đơn vị tiền tệ"), max_length=3, default="VND")
    # Blank: the same for every channel; else the fee of that channel only.
    channel = models.CharField(
        _("hình thức nộp"), max_length=20, choices=Channel.choices, blank=True
    )
    collected_at = models.CharField(
        _("thời điểm thu"),
        max_length=20,
        choices=FeeCollectedAt.choices,
        default=FeeCollectedAt.RECEPTION,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    reduction_percent = models.PositiveSmallIntegerField(_("mức giảm (%)"), null=True, blank=True)
    reduction_from = models.DateField(_("giảm từ ngày"), null=True, blank=True)
    reduction_to = models.DateField(_("giảm đến hết ngày"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} {self.currency}"

    def amount_on(self, day) -> int | None:
        """The amount due on ``day`` in ``currency``; None when the source does not say."""
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return None
        if (
            self.reduction_percent is not None
            and self.reduction_from
            and self.reduction_to
            and self.reduction_from <= day <= self.reduction_to
        ):
            return self.amount * (100 - self.reduction_percent) // 100
        return self.amount


class ProcessDefinition(models.Model):
    """Quy trình nội bộ: the ordered steps of one procedure at one receiving unit.

    Versioned by ``valid_from``; a dossier copies the steps of the definition
    in force at reception into its own step records, so later edits never
    rewrite a dossier's history. Step budgets add up to the legal time.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="processes", verbose_name=_("thủ tục")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="procedure_processes",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "unit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "unit", "valid_from"], name="procedures_process_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.unit_id} ({self.valid_from})"


class ProcessStep(models.Model):
    """Bước xử lý: who does one step (a unit, or a role at a unit) and in how many working hours.

    ``unit`` null means the unit handling the dossier at that point (the
    receiving unit for reception and return, the competent unit otherwise).
    """

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    kind = models.CharField(_("loại bước"), max_length=20, choices=StepKind.choices)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị thực hiện"),
    )
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "order"], name="procedures_step_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(budget_hours__gt=0), name="procedures_step_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
