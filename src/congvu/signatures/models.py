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
