"""Vocabularies of work files (hồ sơ công việc), Decree 30/2020 Art. 28–30."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkFileStatus(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã kết thúc")
    HANDED_OVER = "handed_over", _("Sẵn sàng nộp lưu")


class DocumentKind(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


#: Art. 30: files kept 5 years or more go to the agency archive (lưu trữ cơ quan).
HANDOVER_MIN_YEARS = 5
#: Art. 30: within 1 year after the work ended.
HANDOVER_WITHIN_DAYS = 365
