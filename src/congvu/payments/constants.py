"""Choices of online payment (thanh toán trực tuyến, issue §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    """Trạng thái giao dịch thanh toán."""

    PENDING = "pending", _("Đang chờ thanh toán")
    SUCCEEDED = "succeeded", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Người nộp đã hủy")
    EXPIRED = "expired", _("Hết thời gian thanh toán")


FINAL_STATUSES = frozenset(
    {
        PaymentStatus.SUCCEEDED,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
        PaymentStatus.EXPIRED,
    }
)

# The provider name of a payment taken in cash at the one-stop desk.
CASH = "cash"


class CallbackOutcome(models.TextChoices):
    """What a provider callback did (kết quả xử lý thông báo của cổng thanh toán)."""

    APPLIED = "applied", _("Đã ghi nhận")
    DUPLICATE = "duplicate", _("Trùng lặp, bỏ qua")
    IGNORED_FINAL = "ignored_final", _("Giao dịch đã kết thúc, bỏ qua")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    STALE = "stale", _("Quá thời hạn hiệu lực")
    MALFORMED = "malformed", _("Dữ liệu không hợp lệ")
    UNKNOWN_REFERENCE = "unknown_reference", _("Không tìm thấy giao dịch")
    AMOUNT_MISMATCH = "amount_mismatch", _("Số tiền không khớp")


class ProviderResult(models.TextChoices):
    """The payer's outcome as the gateway reports it."""

    SUCCESS = "success", _("Thành công")
    FAILURE = "failure", _("Không thành công")
    CANCEL = "cancel", _("Hủy giao dịch")
