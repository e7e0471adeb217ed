"""Vocabularies of the exchange: package states and kinds, signature outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageState(models.TextChoices):
    RECEIVED = "received", _("Đã nhận, chưa đọc")
    ACCEPTED = "accepted", _("Chờ vào sổ")
    REFUSED = "refused", _("Gói tin bị từ chối")
    DUPLICATE = "duplicate", _("Trùng gói tin đã nhận")
    REGISTERED = "registered", _("Đã vào sổ")
    RETURNED = "returned", _("Đã trả lại nơi gửi")
    RECORDED = "recorded", _("Đã ghi nhận trạng thái")


class PackageKind(models.TextChoices):
    DOCUMENT = "edoc", _("Văn bản")
    STATUS = "status", _("Thông báo trạng thái")


class SignatureState(models.TextChoices):
    UNSIGNED = "unsigned", _("Không có chữ ký số")
    TRUSTED = "trusted", _("Chữ ký hợp lệ, chứng thư tin cậy")
    UNTRUSTED = "untrusted", _("Chữ ký hợp lệ, chứng thư chưa được tin cậy")
    UNCHECKED = "unchecked", _("Chữ ký hợp lệ, chưa cấu hình chứng thư gốc")
    INVALID = "invalid", _("Chữ ký không hợp lệ")
