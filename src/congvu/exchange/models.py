"""Received edXML packages and the directory of outside agencies (liên thông văn bản)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager
from congvu.org.models import validate_agency_code

from .constants import PackageKind, PackageState, SignatureState


class ReceivedPackage(models.Model):
    """Gói tin liên thông đến: the raw bytes of one package as received, then what was read.

    The bytes are stored and this row committed before anything parses them,
    so a package that cannot be read is still kept (with its refusal code).
    Receiving the same bytes again returns this row; a re-sent message (same
    sender and DocumentId, other bytes) is kept as a ``duplicate`` of it.
    """

    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255, default="package.xml")
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    source = models.CharField(_("kênh nhận"), max_length=30)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=PackageState, default=PackageState.RECEIVED
    )
    kind = models.CharField(_("loại gói tin"), max_length=10, choices=PackageKind, blank=True)
    sender_code = models.CharField(_("mã nơi gửi"), max_length=40, blank=True, db_index=True)
    sender_name = models.CharField(_("nơi gửi"), max_length=255, blank=True)
    message_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=120, blank=True)
    recipient_codes = models.JSONField(_("mã nơi nhận"), default=list, blank=True)
    summary = models.JSONField(_("thông tin đọc được"), default=dict, blank=True)
    refusal_code = models.CharField(_("mã lỗi"), max_length=80, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    signature_state = models.CharField(
        _("chữ ký số"), max_length=10, choices=SignatureState, blank=True
    )
    signer_subject = models.CharField(_("chủ thể chứng thư"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị nhận"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("trùng với"),
    )
    incoming_document = models.ForeignKey(
        "incoming.IncomingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản đến"),
    )
    #: A thay thế (replace) package: the earlier package of the same sender it replaces.
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay thế gói tin"),
    )
    #: A cập nhật (update) package: the earlier package of the same sender it updates.
    updates = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates_received",
        verbose_name=_("cập nhật gói tin"),
    )
    #: An update (or replacement) for a document already registered: the văn thư must look at it.
    review_required = models.BooleanField(_("chờ văn thư xem"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("gói tin liên thông đến")
        verbose_name_plural = _("gói tin liên thông đến")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender_code", "message_id"],
                condition=~Q(message_id="") & Q(duplicate_of__isnull=True),
                name="exchange_package_message_unique",
            )
        ]
        indexes = [models.Index(fields=["unit", "state"], name="exchange_package_unit_state")]

    def __str__(self) -> str:
        return self.summary.get("code") or self.sha256[:12]


class OutsideAgency(models.Model):
    """Cơ quan bên ngoài (danh bạ liên thông): one version of an outside agency, effective-dated.

    A change (new name, new channel) closes the current version the day before
    and opens a new one, so a package or document keeps the agency as it was.
    ``channels`` lists the delivery channels in order of preference, each
    ``{"channel": code, "address": ...}`` (codes from ``channels.py``).
    """

    code = models.CharField(
        _("mã định danh"), max_length=13, validators=[validate_agency_code], db_index=True
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    parent_code = models.CharField(
        _("mã cơ quan chủ quản"), max_length=13, blank=True, validators=[validate_agency_code]
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    channels = models.JSONField(_("kênh gửi"), default=list, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("cơ quan liên thông bên ngoài")
        verbose_name_plural = _("danh bạ cơ quan liên thông")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="exchange_agency_code_open_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="exchange_agency_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_active_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DeliveryStatus(models.Model):
    """Tình trạng xử lý ở nơi nhận: one status message a recipient sent back about our document.

    One row per status message received (the history is kept, never
    overwritten): 01 đã đến, 03 đã vào sổ… 06 hoàn thành. A status naming a
    document we cannot find keeps ``outgoing_document`` empty and is flagged
    on the package pages instead of being dropped.
    """

    package = models.OneToOneField(
        ReceivedPackage,
        on_delete=models.PROTECT,
        related_name="delivery_status",
        verbose_name=_("gói tin"),
    )
    outgoing_document = models.ForeignKey(
        "outgoing.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản đi"),
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị gửi văn bản"),
    )
    recipient_code = models.CharField(_("mã nơi nhận"), max_length=40, db_index=True)
    recipient_name = models.CharField(_("nơi nhận"), max_length=255, blank=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=4)
    meaning = models.CharField(_("ý nghĩa"), max_length=255, blank=True)
    description = models.TextField(_("ghi chú của nơi nhận"), blank=True)
    status_at = models.DateTimeField(_("thời điểm"))
    document_code = models.CharField(_("số, ký hiệu được nêu"), max_length=120, blank=True)
    document_id = models.CharField(_("mã văn bản được nêu"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("tình trạng xử lý ở nơi nhận")
        verbose_name_plural = _("tình trạng xử lý ở nơi nhận")
        ordering = ["-status_at", "-pk"]
        indexes = [
            models.Index(
                fields=["outgoing_document", "recipient_code"], name="exchange_status_doc"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_code}: {self.status_code}"

    @property
    def unmatched(self) -> bool:
        return self.outgoing_document_id is None


class SentPackage(models.Model):
    """Gói tin liên thông đi: one package built for one recipient, kept until the transport took it.

    Built once per ``transport_id`` (the outbox message id, with the recipient's
    code for a document sent to several agencies) and stored, so every retry
    sends the same bytes under the same id and the receiving side drops a
    repeat. ``sent_at`` is set when the transport accepted it; the bytes are
    purged some days later (``purged_at``), the row kept as the record.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "edoc", _("văn bản")
        STATUS = "status", _("thông báo trạng thái")

    transport_id = models.CharField(_("mã gói tin gửi"), max_length=100, unique=True)
    kind = models.CharField(_("loại gói tin"), max_length=10, choices=Kind)
    sender_code = models.CharField(_("mã nơi gửi"), max_length=13)
    recipient_code = models.CharField(_("mã nơi nhận"), max_length=13, db_index=True)
    outgoing_document = models.ForeignKey(
        "outgoing.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản đi"),
    )
    answers = models.ForeignKey(
        ReceivedPackage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_replies",
        verbose_name=_("trả lời gói tin"),
    )
    business = models.PositiveSmallIntegerField(_("nghiệp vụ"), default=0)
    status_code = models.CharField(_("mã trạng thái"), max_length=4, blank=True)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    last_error = models.CharField(_("lỗi lần gửi cuối"), max_length=300, blank=True)
    #: The bytes were deleted after delivery (``EXCHANGE_SENT_RETENTION_DAYS``); the row stays.
    purged_at = models.DateTimeField(_("xóa nội dung lúc"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("gói tin liên thông đi")
        verbose_name_plural = _("gói tin liên thông đi")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.transport_id} → {self.recipient_code}"
