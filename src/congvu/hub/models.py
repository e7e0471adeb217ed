"""The local exchange hub (trục liên thông nội bộ): agencies and the packages between them.

A province that runs its own exchange, and the tests, use this hub in place
of the national axis (VDXP). It stores and forwards opaque packages (edXML
documents and status messages): it never parses them, so a package it cannot
read still reaches its recipient. Docs: docs/hub.md.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class HubAgency(models.Model):
    """Cơ quan kết nối trục: an agency that may send and fetch packages here.

    ``code`` is its 13-character identifier (mã định danh, QCVN 102:2016).
    Only the SHA-256 of its access token is stored; the token is shown once.
    """

    code = models.CharField(_("mã định danh"), max_length=13, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("đang kết nối"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cơ quan kết nối trục")
        verbose_name_plural = _("cơ quan kết nối trục")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PackageKind(models.TextChoices):
    DOCUMENT = "edoc", _("Văn bản (edXML)")
    STATUS = "status", _("Trạng thái xử lý")


class HubMessage(models.Model):
    """Gói tin trên trục: one package for one recipient, kept until the recipient acknowledges it.

    Sending is idempotent by (sender, ``message_id``, recipient): a sender that
    retries after a lost answer gets the same rows back. A recipient that
    fetches without acknowledging gets the package again once the lease ends
    (at-least-once delivery; the recipient dedupes by ``message_id``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(HubAgency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(HubAgency, on_delete=models.PROTECT, related_name="+")
    message_id = models.CharField(_("mã gói tin của nơi gửi"), max_length=100)
    kind = models.CharField(max_length=10, choices=PackageKind.choices)
    blob_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    fetch_count = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gói tin trên trục")
        verbose_name_plural = _("gói tin trên trục")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "message_id", "recipient"], name="hub_message_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="hub_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_id}"
