"""Stored files (tệp đính kèm) of documents and other records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class TextStatus(models.TextChoices):
    """What became of the text extraction of a file (done after the upload commits)."""

    PENDING = "pending", _("Chờ trích xuất nội dung")
    DONE = "done", _("Đã trích xuất nội dung")
    TRUNCATED = "truncated", _("Chỉ trích xuất phần đầu")
    TIMEOUT = "timeout", _("Quá thời gian trích xuất")
    FAILED = "failed", _("Không đọc được nội dung")
    NONE = "none", _("Không có nội dung văn bản")


class SignatureStatus(models.TextChoices):
    """The stored outcome of checking a file's digital signatures (after the upload commits)."""

    PENDING = "pending", _("Chờ kiểm tra chữ ký số")
    NOT_PDF = "not_pdf", _("Không phải tệp PDF")
    UNSIGNED = "unsigned", _("Không có chữ ký số")
    VALID = "valid", _("Chữ ký số hợp lệ")
    BROKEN = "broken", _("Chữ ký số không hợp lệ (đã bị sửa sau khi ký)")
    UNTRUSTED = "untrusted", _("Chưa xác thực được chứng thư số")
    REVOKED = "revoked", _("Chứng thư số đã bị thu hồi")


class StoredFile(models.Model):
    """Tệp đính kèm: one uploaded file kept in the default storage, owned by a record.

    The owner is any model with a ``restrict()`` policy, named by its label
    (``owner_type``, e.g. ``incoming.incomingdocument``) and primary key
    (``owner_id``): the file is visible exactly when its owner is. The blob's
    ``storage_name`` is generated (never derived from the uploaded name) and
    its SHA-256 is checked on every read. ``text`` (for search) is extracted
    after the upload commits, with a page and time limit (``extraction.py``);
    so is the check of a PDF's digital signatures (``verification.py``), kept in
    ``signature_status``/``signature_reports`` so a register list need not
    validate anything to show it.
    """

    owner_type = models.CharField(_("loại đối tượng"), max_length=100)
    owner_id = models.CharField(_("mã đối tượng"), max_length=64)
    purpose = models.SlugField(_("mục đích"), max_length=30, default="attachment")
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    storage_name = models.CharField(_("tên lưu trữ"), max_length=255, unique=True, editable=False)
    text = models.TextField(_("nội dung văn bản"), blank=True)
    #: ``file_store`` writes PENDING and the extraction task the outcome; rows written
    #: with their text directly (and those from before the task existed) are DONE.
    text_status = models.CharField(
        _("trích xuất nội dung"), max_length=10, choices=TextStatus, default=TextStatus.DONE
    )
    #: ``file_store`` writes PENDING and the check after the commit the outcome.
    signature_status = models.CharField(
        _("chữ ký số"), max_length=10, choices=SignatureStatus, default=SignatureStatus.PENDING
    )
    #: One entry per signature (``SignatureReport.as_dict``), as checked at ``signature_checked_at``.
    signature_reports = models.JSONField(_("kết quả kiểm tra chữ ký số"), default=list, blank=True)
    signature_checked_at = models.DateTimeField(_("kiểm tra chữ ký số lúc"), null=True, blank=True)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["owner_type", "owner_id", "purpose", "version", "pk"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "purpose"], name="files_owner_idx"),
            models.Index(fields=["sha256"], name="files_sha256_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name
