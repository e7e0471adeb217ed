"""Payments of fees (thanh toán phí, lệ phí) for one-stop dossiers, and the gateway's callbacks.

A :class:`Payment` is one attempt to pay what a dossier owes: created pending
when the payer is sent to the gateway, then succeeded, failed, cancelled or
expired exactly once. Only a succeeded payment carries a receipt number
(số biên lai), taken from a locked :class:`ReceiptCounter` row in the same
transaction, so numbers per unit and year have no gaps. Every callback the
gateway sends is kept raw in :class:`PaymentCallback`, valid or not.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager

from .constants import CallbackOutcome, PaymentStatus


def _reference() -> str:
    # 144 bits: the reference travels in URLs and callbacks and must not be guessable.
    return "TT" + secrets.token_hex(18).upper()


class ReceiptCounter(models.Model):
    """Bộ đếm biên lai: the last receipt number of one unit in one year (row-locked)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("bộ đếm biên lai")
        verbose_name_plural = _("bộ đếm biên lai")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="payments_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.year}={self.last}"


class Payment(models.Model):
    """Giao dịch thanh toán phí, lệ phí của một hồ sơ (online through a provider, or cash at the desk).

    ``amount`` is in đồng; ``fees`` the breakdown it was computed from
    (procedures.Fee rows at the time). ``unit`` is the receiving unit, which
    issues the receipt (biên lai) and numbers it per year.
    """

    dossier = models.ForeignKey(
        "onestop.Dossier", on_delete=models.PROTECT, related_name="payments"
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thu")
    )
    # Copied from the dossier so statistics by field or procedure never join the dossiers.
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    fees = models.JSONField(_("các khoản thu"), default=list, blank=True)
    provider = models.CharField(_("cổng thanh toán"), max_length=30)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    reference = models.CharField(
        _("mã giao dịch"), max_length=64, unique=True, default=_reference, editable=False
    )
    provider_transaction_id = models.CharField(
        _("mã giao dịch của cổng thanh toán"), max_length=100, blank=True
    )
    payer_name = models.CharField(_("người nộp tiền"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    failure_reason = models.CharField(_("lý do"), max_length=255, blank=True)
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_number = models.PositiveIntegerField(_("số biên lai"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="payments_status_exp_idx"),
            models.Index(fields=["dossier", "status"], name="payments_dossier_idx"),
            models.Index(fields=["status", "paid_at"], name="payments_paid_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "receipt_year", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="payments_receipt_unique",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_transaction_id"],
                condition=~Q(provider_transaction_id=""),
                name="payments_provider_txn_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def receipt_label(self) -> str:
        if self.receipt_number is None:
            return ""
        return f"{self.receipt_number:06d}/{self.receipt_year}"

    @property
    def is_online(self) -> bool:
        from .constants import CASH

        return self.provider != CASH


class PaymentCallback(models.Model):
    """Thông báo kết quả từ cổng thanh toán: one callback as received, valid or forged.

    Kept raw (body and a subset of headers) so a dispute can be settled from
    what the gateway actually sent. ``replay`` marks a callback for a
    transaction already recorded.
    """

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks"
    )
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=64, blank=True)
    transaction_id = models.CharField(max_length=100, blank=True)
    raw_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    signature_valid = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, choices=CallbackOutcome.choices)
    replay = models.BooleanField(default=False)
    message = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("thông báo từ cổng thanh toán")
        verbose_name_plural = _("thông báo từ cổng thanh toán")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["reference"], name="payments_cb_reference_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference} {self.outcome}"
