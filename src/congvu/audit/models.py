"""Hash-chained audit trail (nhật ký hệ thống).

Each record stores the hash of the one before, and the chain head stores the
last sequence number and hash, so editing, deleting or truncating any record
breaks `congvu audit_verify`. Records are append-only at the ORM level too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedQuerySet


class AppendOnlyQuerySet(RestrictedQuerySet):
    """Refuses bulk writes: audit rows are written by `congvu.audit.services` only."""

    def update(self, **kwargs):
        raise TypeError("Audit records are append-only")

    def delete(self):
        raise TypeError("Audit records are append-only")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("Audit records are append-only")

    def bulk_create(self, *args, **kwargs):
        # Rows made in bulk would skip the chain head and its lock.
        raise TypeError("Audit records are written one by one by congvu.audit.services")


class RecordKind(models.TextChoices):
    ACTION = "action", _("Thao tác")
    ACCESS = "access", _("Truy cập")


class AuditRecord(models.Model):
    """Bản ghi nhật ký: one state change (action) or one read of a confidential object (access)."""

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=RecordKind.choices, default=RecordKind.ACTION)
    action = models.CharField(_("thao tác"), max_length=120, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    confidentiality = models.PositiveSmallIntegerField(default=0)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit records are append-only")


class ChainHead(models.Model):
    """Đầu chuỗi: the last sequence number and hash; one row, locked while appending."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
