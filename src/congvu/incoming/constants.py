"""Vocabularies of incoming documents: source, status, assignment role, processing actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Longest trích yếu accepted. Decree 30 sets no number; a trích yếu is one sentence
#: (rarely over 500 characters, the limit of an outgoing one), so this leaves room for
#: long titles received from outside while refusing pasted bodies or junk.
SUBJECT_MAX_LENGTH = 2000


class Source(models.TextChoices):
    """Where the document came from (nguồn). edXML and e-mail come later."""

    PAPER = "paper", _("Văn bản giấy (bản quét)")
    INTERNAL = "internal", _("Liên thông nội bộ")
    EDXML = "edxml", _("Trục liên thông (edXML)")
    EMAIL = "email", _("Thư điện tử")


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ vào sổ")
    REGISTERED = "registered", _("Đã vào sổ")
    PRESENTED = "presented", _("Đã trình")
    DIRECTED = "directed", _("Đã có chỉ đạo")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    COMPLETED = "completed", _("Đã hoàn thành")
    RETURNED = "returned", _("Đã trả lại nơi gửi")
    RECALLED = "recalled", _("Đã bị thu hồi")


#: States in which the document still waits for someone (not finished).
OPEN_STATUSES = (
    Status.PENDING,
    Status.REGISTERED,
    Status.PRESENTED,
    Status.DIRECTED,
    Status.IN_PROGRESS,
)


class AssignmentRole(models.TextChoices):
    MAIN = "main", _("Chủ trì")
    COORDINATE = "coordinate", _("Phối hợp")
    INFO = "info", _("Nhận để biết")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    DONE = "done", _("Đã xong")


class Action(models.TextChoices):
    """What one entry of the processing log (nhật ký xử lý) records."""

    RECEIVED = "received", _("Tiếp nhận")
    REGISTERED = "registered", _("Vào sổ")
    PRESENTED = "presented", _("Trình")
    DIRECTED = "directed", _("Chỉ đạo")
    ASSIGNED = "assigned", _("Giao xử lý")
    FORWARDED = "forwarded", _("Chuyển xử lý")
    PROGRESS = "progress", _("Cập nhật tiến độ")
    REPLY_LINKED = "reply_linked", _("Gắn văn bản trả lời")
    COMPLETED = "completed", _("Hoàn thành")
    RETURNED = "returned", _("Trả lại nơi gửi")
    REOPENED = "reopened", _("Mở lại")
    RECALLED = "recalled", _("Bị nơi gửi thu hồi")
