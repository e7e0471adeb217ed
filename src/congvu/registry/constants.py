"""Document vocabularies of Decree 30/2020: direction, urgency (độ khẩn), secrecy (độ mật)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class Urgency(models.IntegerChoices):
    """Độ khẩn (Art. 4(2)(c), 23(1)): urgent documents are handled immediately.

    Values follow the edXML Priority codes (0 thường … 3 hỏa tốc).
    """

    NORMAL = 0, _("Thường")
    URGENT = 1, _("Khẩn")
    VERY_URGENT = 2, _("Thượng khẩn")
    FLASH = 3, _("Hỏa tốc")


class Secrecy(models.IntegerChoices):
    """Độ mật accepted by congvu. Tối mật and Tuyệt mật are refused (isolated systems only)."""

    NORMAL = 0, _("Thường")
    SECRET = 1, _("Mật")


#: Levels the law keeps out of networked systems; input naming them is refused.
REFUSED_SECRECY = {"toi_mat": _("Tối mật"), "tuyet_mat": _("Tuyệt mật")}


class AdminNumbering(models.TextChoices):
    """How a unit numbers administrative documents (Art. 15(1)(c): the head decides)."""

    SHARED = "shared", _("Một hệ thống số chung cho văn bản hành chính")
    PER_TYPE = "per_type", _("Mỗi loại văn bản hành chính một hệ thống số")


class NumberStatus(models.TextChoices):
    USED = "used", _("Đã cấp")
    VOIDED = "voided", _("Đã hủy")


#: Sequence key of the shared administrative sequence.
SHARED_SEQUENCE = "*"
