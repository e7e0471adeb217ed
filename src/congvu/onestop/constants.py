"""Choices of the one-stop shop (regulations §2.2–§2.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    """Trạng thái hồ sơ; ``NATIONAL_STATUS`` maps each to the national portal's code 1–10."""

    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")  # 2, only until the first processing step starts
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    DONE = "done", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


NATIONAL_STATUS = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.DONE: 9,
    DossierStatus.RETURNED: 10,
}

#: The national catalogue's words for its codes 1–10 (regulations §2.3), shown to citizens
#: next to congvu's own wording, which differs for 2, 6 and 7.
NATIONAL_STATUS_LABELS = {
    1: _("Mới đăng ký"),
    2: _("Được tiếp nhận"),
    3: _("Không được tiếp nhận"),
    4: _("Đang xử lý"),
    5: _("Yêu cầu bổ sung giấy tờ"),
    6: _("Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: _("Công dân yêu cầu rút hồ sơ"),
    8: _("Dừng xử lý"),
    9: _("Đã xử lý xong"),
    10: _("Đã trả kết quả"),
}

# Statuses in which the legal clock does not run (tạm dừng, regulations §2.4).
PAUSED_STATUSES = frozenset(
    {DossierStatus.SUPPLEMENT, DossierStatus.AWAITING_PAYMENT, DossierStatus.STOPPED}
)
OPEN_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.STOPPED,
    }
)
FINISHED_STATUSES = frozenset({DossierStatus.DONE, DossierStatus.RETURNED, DossierStatus.WITHDRAWN})


class PauseReason(models.TextChoices):
    """Why the clock stopped."""

    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")
    STOPPED = "stopped", _("Dừng xử lý")


class StepOutcome(models.TextChoices):
    """Kết quả một bước so với thời gian được giao (Mẫu 05)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class ResultDelivery(models.TextChoices):
    """Đăng ký nhận kết quả tại."""

    OFFICE = "office", _("Tại Bộ phận tiếp nhận và trả kết quả")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


class FormCode(models.TextChoices):
    """The one-stop forms of Circular 01/2018/TT-VPCP (regulations §2.1)."""

    RECEIPT = "mau01", _("Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "mau02", _("Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "mau03", _("Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "mau04", _("Mẫu 04 – Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    CONTROL = "mau05", _("Mẫu 05 – Phiếu kiểm soát quá trình giải quyết hồ sơ")
