"""Văn bản đi: the draft, its review chain, recipients (nơi nhận) and issuance.

Draft files are ``congvu.files.StoredFile`` rows owned by the document with
``purpose="draft"`` and increasing ``version``; the issued PDF is the file
with ``purpose="issued"``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager
from congvu.registry.constants import Secrecy, Urgency

from .constants import (
    SIGNING_PROBLEMS,
    AuthorityPrefix,
    Decision,
    DeliveryStatus,
    RecipientKind,
    Status,
)


class OutgoingDocument(models.Model):
    """Văn bản đi: from dự thảo through trình duyệt and duyệt ký to ban hành (Art. 10–18).

    ``unit`` is the issuing agency (cơ quan ban hành, e.g. UBND xã), whose
    văn thư numbers and issues it; ``drafting_unit`` the unit that drafted it
    (đơn vị soạn thảo), used in the ký hiệu of công văn and in "Lưu: VT, …".
    The number is given only at issuance (``document_issue``).
    """

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
        verbose_name=_("cơ quan ban hành"),
    )
    drafting_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị soạn thảo"),
    )
    document_type = models.ForeignKey(
        "registry.DocumentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("loại văn bản"),
    )
    subject = models.TextField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn thảo"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ký"),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    authority_prefix = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=AuthorityPrefix.choices, blank=True
    )
    approved_at = models.DateTimeField(_("duyệt ký lúc"), null=True, blank=True)
    # What the leader read at "Duyệt ký" (the preview's content hash); issuance
    # refuses to sign anything else.
    approved_content_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    register = models.ForeignKey(
        "registry.Register",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sổ đăng ký"),
    )
    issued_number = models.OneToOneField(
        "registry.IssuedNumber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_notation = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    issued_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_file = models.ForeignKey(
        "files.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bản phát hành"),
    )
    issued_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    signed_with = models.CharField(_("cách ký"), max_length=40, blank=True, editable=False)
    reply_to_type = models.CharField(max_length=100, blank=True)
    reply_to_id = models.CharField(max_length=64, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay thế văn bản"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("đính chính văn bản"),
    )
    recalled_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    recall_reason = models.CharField(_("lý do thu hồi"), max_length=255, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-urgency", "-created_at"]
        indexes = [models.Index(fields=["unit", "status"], name="outgoing_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(secrecy__lte=Secrecy.SECRET), name="outgoing_no_top_secret"
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(number__isnull=False),
                name="outgoing_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number_notation or str(_("Dự thảo: %(subject)s") % {"subject": self.subject})

    @property
    def printed_authority(self) -> str:
        """The authority words shown before the signer's title ("" when signing directly)."""
        return AuthorityPrefix(self.authority_prefix).printed

    @property
    def confidentiality(self) -> int:
        """Độ mật under the name the shared API code uses for access records."""
        return self.secrecy

    @property
    def signing_problem(self) -> str:
        """ "Ký số bị từ chối" / "Yêu cầu ký số hết hạn" for a document waiting in SIGNING, else "".

        Read from ``remote_state`` (the latest remote-signing request's state), which
        the selectors annotate on lists and the detail page sets; without it, "".
        """
        if self.status != Status.SIGNING:
            return ""
        return str(SIGNING_PROBLEMS.get(getattr(self, "remote_state", None) or "", ""))

    @property
    def status_label(self) -> str:
        """The status as lists and the document page show it: a refused or expired
        remote signature is told apart from one still waiting ("Chờ ký số")."""
        return self.signing_problem or str(self.get_status_display())


class Recipient(models.Model):
    """Nơi nhận: an internal unit (delivered as văn bản đến) or an external addressee (bưu chính)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị nhận"),
    )
    external_name = models.CharField(_("tên nơi nhận"), max_length=255, blank=True)
    external_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    kind = models.CharField(
        _("hình thức"), max_length=5, choices=RecipientKind.choices, default=RecipientKind.MAIN
    )
    order = models.PositiveSmallIntegerField(default=0)
    delivery_status = models.CharField(
        _("tình trạng gửi"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    incoming_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(external_name=""),
                name="outgoing_recipient_has_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.unit.name if self.unit_id else self.external_name

    @property
    def is_internal(self) -> bool:
        return self.unit_id is not None


class ReviewStep(models.Model):
    """Bước trình duyệt: one reviewer's turn in the chain (chuyên viên → trưởng phòng → lãnh đạo).

    Each submission opens a new ``round``; steps are taken in ``order``.
    """

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="review_steps"
    )
    round = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    decision = models.CharField(
        _("ý kiến"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("nhận xét"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("bước trình duyệt")
        verbose_name_plural = _("bước trình duyệt")
        ordering = ["document", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "order"], name="outgoing_step_unique"
            )
        ]
        # "Chờ tôi cho ý kiến": a reviewer's pending steps, without reading all their steps.
        indexes = [models.Index(fields=["reviewer", "decision"], name="outgoing_step_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.get_decision_display()})"
