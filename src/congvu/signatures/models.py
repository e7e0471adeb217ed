"""Signing keys of officials and agencies, and the trust anchors signatures are checked against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class KeyKind(models.TextChoices):
    PERSON = "person", _("Chữ ký số cá nhân")
    AGENCY = "agency", _("Chữ ký số cơ quan")


class SigningKey(models.Model):
    """A signing certificate with its private key (PKCS#12 or on a PKCS#11 token) for one official or agency.

    The unit administrator registers it; the password of the PKCS#12 file is
    kept encrypted with a key derived from ``SECRET_KEY`` (``crypto.py``), so a
    copy of the database alone does not unlock it. A person's key belongs to
    ``user``; an agency's key (the văn thư applies it) has no user. Revoked
    keys are kept for the record, never deleted.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=KeyKind.choices)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("cơ quan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
        verbose_name=_("người ký"),
    )
    pkcs12 = models.BinaryField(_("tệp PKCS#12"), blank=True, default=b"")
    certificate_der = models.BinaryField(_("chứng thư số (DER)"), default=b"")
    # A key on a PKCS#11 token (USB token, HSM) never leaves it: the row keeps only
    # where it is; password_encrypted then holds the token's user PIN.
    token_module = models.CharField(_("thư viện PKCS#11"), max_length=255, blank=True)
    token_label = models.CharField(_("nhãn token"), max_length=64, blank=True)
    token_key_label = models.CharField(_("nhãn khóa trên token"), max_length=64, blank=True)
    # A key held by a remote-signing service (ký số từ xa): only the provider and the
    # signer's account there; the service signs digests after the holder approves.
    remote_provider = models.CharField(_("dịch vụ ký số từ xa"), max_length=40, blank=True)
    remote_account = models.CharField(_("tài khoản ký số từ xa"), max_length=128, blank=True)
    password_encrypted = models.TextField(_("mật khẩu (mã hóa)"), blank=True)
    image = models.BinaryField(_("hình chữ ký / con dấu (PNG)"), blank=True, default=b"")
    subject = models.CharField(_("chủ thể chứng thư"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=255)
    serial = models.CharField(_("số hiệu chứng thư"), max_length=64)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, db_index=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("khóa ký số")
        verbose_name_plural = _("khóa ký số")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    @property
    def is_remote(self) -> bool:
        return bool(self.remote_provider)


class RemoteRequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ người ký xác nhận")
    APPROVED = "approved", _("Người ký đã xác nhận")
    REFUSED = "refused", _("Người ký từ chối")
    EXPIRED = "expired", _("Hết thời gian chờ xác nhận")
    COMPLETED = "completed", _("Đã gắn chữ ký vào văn bản")
    CANCELLED = "cancelled", _("Đã hủy")


class RemoteSigningRequest(models.Model):
    """Yêu cầu ký số từ xa: one digest sent to a remote-signing service for its holder to approve.

    Keeps what the signature needs once approved (the prepared PDF with its
    reserved space, the byte-range digest and the CMS signed attributes), so the
    service only ever sees the digest of the attributes. ``object_type`` and
    ``object_id`` name the document waiting for it (this app sits below the
    document apps). A document may have several requests (a retry after a
    refusal); at most one is pending.
    """

    signing_key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        related_name="remote_requests",
        verbose_name=_("khóa ký số"),
    )
    provider = models.CharField(_("dịch vụ"), max_length=40)
    transaction_id = models.CharField(_("mã giao dịch"), max_length=128)
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=RemoteRequestStatus.choices,
        default=RemoteRequestStatus.PENDING,
    )
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    prepared_pdf = models.BinaryField(_("văn bản chờ chữ ký"))
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    signed_attrs = models.BinaryField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người gửi yêu cầu"),
    )
    requested_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("yêu cầu ký số từ xa")
        verbose_name_plural = _("yêu cầu ký số từ xa")
        ordering = ["-requested_at", "-pk"]
        # The outgoing lists read each document's latest request (its "Chờ ký số" label).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="signatures_remote_object_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "transaction_id"], name="signatures_remote_transaction_unique"
            ),
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=models.Q(status="pending"),
                name="signatures_remote_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.transaction_id}"


class TrustAnchor(models.Model):
    """A root certificate (e.g. a licensed CA's) that valid signature chains must end in."""

    name = models.CharField(_("tên"), max_length=255)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")
        ordering = ["name"]

    def __str__(self):
        return self.name
