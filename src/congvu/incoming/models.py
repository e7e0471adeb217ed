"""Incoming documents (văn bản đến, Decree 30/2020 Art. 20–24), their assignments and log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager
from congvu.registry.constants import Secrecy, Urgency

from .constants import Action, AssignmentRole, AssignmentStatus, Source, Status


class ExternalOrganization(models.Model):
    """Cơ quan, tổ chức bên ngoài: a directory of issuers outside congvu that clerks extend."""

    name = models.CharField(_("tên cơ quan, tổ chức"), max_length=255)
    code = models.CharField(_("mã định danh"), max_length=40, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("cơ quan bên ngoài")
        verbose_name_plural = _("cơ quan bên ngoài")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncomingDocument(models.Model):
    """Văn bản đến: a document received by ``unit``, registered in its incoming register.

    A document delivered inside congvu starts ``pending`` (chờ vào sổ) with no
    số đến; registration gives it the next number of the unit's register for
    the year (Mật documents: the Mật register).
    """

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        verbose_name=_("đơn vị nhận"),
    )
    register = models.ForeignKey(
        "registry.Register",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_documents",
        verbose_name=_("sổ đăng ký"),
    )
    arrival_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    arrival_date = models.DateField(_("ngày đến"))
    registered_at = models.DateTimeField(_("vào sổ lúc"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    issuer_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan ban hành (trong hệ thống)"),
    )
    issuer_external = models.ForeignKey(
        ExternalOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("cơ quan ban hành (bên ngoài)"),
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    number_notation = models.CharField(_("số, ký hiệu"), max_length=60)
    document_date = models.DateField(_("ngày văn bản"))
    document_type = models.ForeignKey(
        "registry.DocumentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("loại văn bản"),
    )
    subject = models.TextField(_("trích yếu"))
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trình"),
    )
    presented_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    # Where an internally delivered document comes from (a link back to the original).
    origin_type = models.CharField(max_length=100, blank=True)
    origin_id = models.CharField(max_length=64, blank=True)
    origin_label = models.CharField(_("văn bản gốc"), max_length=255, blank=True)
    # The reply (văn bản trả lời), a generic link so this app does not depend on outgoing.
    reply_type = models.CharField(max_length=100, blank=True)
    reply_id = models.CharField(max_length=64, blank=True)
    reply_label = models.CharField(_("văn bản trả lời"), max_length=255, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    recall_reason = models.TextField(_("lý do thu hồi"), blank=True)
    recalled_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-urgency", "-arrival_date", "-arrival_number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "arrival_number"], name="incoming_number_unique_in_register"
            ),
            models.CheckConstraint(
                condition=Q(register__isnull=True, arrival_number__isnull=True)
                | Q(register__isnull=False, arrival_number__isnull=False),
                name="incoming_number_with_register",
            ),
            models.CheckConstraint(condition=Q(secrecy__lte=1), name="incoming_secrecy_allowed"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="incoming_unit_status"),
            models.Index(fields=["unit", "document_date"], name="incoming_unit_docdate"),
        ]

    def __str__(self) -> str:
        return f"{self.number_notation} – {self.subject[:80]}"

    @property
    def confidentiality(self) -> int:
        return self.secrecy

    @property
    def is_urgent(self) -> bool:
        return self.urgency > Urgency.NORMAL

    @property
    def arrival_number_display(self) -> str:
        return f"{self.arrival_number:02d}" if self.arrival_number else ""


class Assignment(models.Model):
    """Phân công xử lý: a unit and/or person given the document as chủ trì, phối hợp or để biết.

    ``parent`` is the assignment it was passed on from (the head of an assigned
    unit hands it to staff), which makes the processing tree.
    """

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_assignments",
        verbose_name=_("cán bộ"),
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=AssignmentRole.choices)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=6,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.OPEN,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["document", "pk"]
        # "Cần xử lý"/"Quá hạn": a person's open assignments, without reading all of theirs.
        indexes = [models.Index(fields=["user", "status"], name="incoming_assignment_user_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(user__isnull=False),
                name="incoming_assignment_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_label}"

    @property
    def assignee_label(self) -> str:
        parts = [str(x) for x in (self.user, self.unit) if x is not None]
        return " – ".join(parts)


class ProcessingEntry(models.Model):
    """Nhật ký xử lý: one step of the document's handling (who did what, when)."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("nhật ký xử lý")
        verbose_name_plural = _("nhật ký xử lý")
        ordering = ["document", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%d/%m/%Y %H:%M})"
