"""Choices of the procedure catalogue (regulations §2.3, §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnlineLevel(models.TextChoices):
    """Mức độ dịch vụ công trực tuyến (Decree 42/2022); ``national_code`` maps to the portal's 2/3/4."""

    NOT_ONLINE = "not_online", _("Không trực tuyến (cung cấp thông tin)")
    PARTIAL = "partial", _("Trực tuyến một phần")
    FULL = "full", _("Trực tuyến toàn trình")


ONLINE_LEVEL_NATIONAL_CODE = {
    OnlineLevel.NOT_ONLINE: 2,
    OnlineLevel.PARTIAL: 3,
    OnlineLevel.FULL: 4,
}


class Channel(models.TextChoices):
    """Kênh nộp hồ sơ; the national codes are 1, 2, 3 (regulations §2.3)."""

    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính công ích")


CHANNEL_NATIONAL_CODE = {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}


class DurationUnit(models.TextChoices):
    """How a processing time is counted."""

    WORKING_DAYS = "working_days", _("Ngày làm việc")
    WORKING_HOURS = "working_hours", _("Giờ làm việc")
    # "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo".
    SAME_DAY = "same_day", _("Trong ngày")


class PaperForm(models.TextChoices):
    """Hình thức giấy tờ trong thành phần hồ sơ."""

    ORIGINAL = "original", _("Bản chính")
    CERTIFIED_COPY = "certified_copy", _("Bản sao")
    PHOTOCOPY = "photocopy", _("Bản chụp")


class FeeCollectedAt(models.TextChoices):
    """When a fee is collected (regulations §2.3: 1 reception / 2 supplement / 4 result)."""

    RECEPTION = "reception", _("Khi tiếp nhận")
    SUPPLEMENT = "supplement", _("Khi bổ sung")
    RESULT = "result", _("Khi trả kết quả")


class StepKind(models.TextChoices):
    """Loại bước trong quy trình nội bộ (ISO 9001:2015)."""

    RECEPTION = "reception", _("Tiếp nhận")
    APPRAISAL = "appraisal", _("Thẩm định")
    APPROVAL = "approval", _("Phê duyệt")
    RESULT = "result", _("Trả kết quả")
    OTHER = "other", _("Khác")
