"""The transactional outbox: committed events and their deliveries to subscribers."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ chuyển")
    RETRYING = "retrying", _("Đang thử lại")
    DONE = "done", _("Đã chuyển")
    DEAD = "dead", _("Không chuyển được")


#: Statuses the dispatcher still works on.
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class OutboxMessage(models.Model):
    """Sự kiện nghiệp vụ (tin trong hộp thư đi): one domain event, written in its producer's
    transaction, so it exists exactly when the change it reports was committed.

    ``id`` orders the events of one aggregate ``key``: producers change an
    aggregate under its row lock, so a later event of the same key gets a
    larger id (docs/events.md, "Ordering").
    """

    message_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("loại sự kiện"), max_length=100)
    key = models.CharField(_("đối tượng"), max_length=120)
    payload = models.JSONField(_("nội dung"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("sự kiện nghiệp vụ")
        verbose_name_plural = _("sự kiện nghiệp vụ")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.key}"


class Delivery(models.Model):
    """Lượt chuyển sự kiện: one message to one subscriber (nơi nhận).

    Unique per (message, subscriber): the idempotency key. ``locked_until``
    and ``lock_token`` are the lease of the dispatcher working on it; a
    worker killed mid-delivery leaves a lease that expires, and the delivery
    is claimed again. ``attempts`` counts claims, so a message that kills its
    worker every time still ends as a dead letter.
    """

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("sự kiện"),
    )
    subscriber = models.CharField(_("nơi nhận"), max_length=100)
    # Copied from the message so the ordering rule is one indexed lookup.
    key = models.CharField(_("đối tượng"), max_length=120)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lần tới lúc"), default=timezone.now)
    locked_until = models.DateTimeField(_("đang xử lý đến"), null=True, blank=True)
    lock_token = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    history = models.JSONField(_("các lần thử"), default=list, blank=True)
    delivered_at = models.DateTimeField(_("chuyển xong lúc"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dừng thử lúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("lượt chuyển sự kiện")
        verbose_name_plural = _("lượt chuyển sự kiện")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "subscriber"], name="events_delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="events_delivery_due"),
            models.Index(fields=["subscriber", "key", "message"], name="events_delivery_order"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.message_id}"
