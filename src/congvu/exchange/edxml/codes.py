"""Code tables of edXML (regulations §4.3) as data.

Values marked UNCONFIRMED come from implementations, not from the standard's
text (no public copy of the QCVN 102:2016 XSD was found). The status meanings
can be overridden by the setting ``CONGVU_EDXML_STATUS_CODES`` (a mapping of
code to Vietnamese meaning) without a code change.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from congvu.org.constants import AGENCY_CODE_RE

#: The namespace of every edXML element.
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
#: The prefix the national axis expects on the envelope's children (reported, UNCONFIRMED).
PREFIX = "edXML"
XLINK = "http://www.w3.org/1999/xlink"

#: Bussiness/BussinessDocType (Bkav DTO, edoc.json).
BUSINESS_NEW, BUSINESS_REVOKE, BUSINESS_UPDATE, BUSINESS_REPLACE = 0, 1, 2, 3
BUSINESS_DOC_TYPES = {
    BUSINESS_NEW: _("Văn bản mới"),
    BUSINESS_REVOKE: _("Thu hồi văn bản"),
    BUSINESS_UPDATE: _("Cập nhật văn bản"),
    BUSINESS_REPLACE: _("Thay thế văn bản"),
}

#: OtherInfo/Priority (edoc.json); 0–3 equal congvu's Urgency values.
PRIORITIES = {
    0: _("Thường"),
    1: _("Khẩn"),
    2: _("Thượng khẩn"),
    3: _("Hỏa tốc"),
    4: _("Hỏa tốc hẹn giờ"),
}

#: Status/StatusCode. 04 and 05 are worded differently by status.json (UNCONFIRMED).
STATUS_CODES = {
    "01": _("Đã đến"),
    "02": _("Từ chối tiếp nhận"),
    "03": _("Đã tiếp nhận (vào sổ)"),
    "04": _("Đã phân công"),
    "05": _("Đang xử lý"),
    "06": _("Hoàn thành"),
    "13": _("Yêu cầu lấy lại/thu hồi"),
    "15": _("Đồng ý lấy lại/cập nhật"),
    "16": _("Từ chối lấy lại/cập nhật"),
}
#: Codes whose meaning is not settled between implementations.
UNCONFIRMED_STATUS_CODES = frozenset({"04", "05"})

STATUS_RECEIVED = "01"
STATUS_REFUSED = "02"
STATUS_REGISTERED = "03"
STATUS_ASSIGNED = "04"
STATUS_IN_PROGRESS = "05"
STATUS_DONE = "06"
STATUS_RECALL_REQUESTED = "13"
STATUS_RECALL_ACCEPTED = "15"
STATUS_RECALL_REFUSED = "16"

_STATUS_CODE_RE = re.compile(r"^\d{2}$")


def status_codes() -> dict[str, str]:
    """The status table in force: the built-in one, overridden by the setting."""
    table = {k: str(v) for k, v in STATUS_CODES.items()}
    table.update(getattr(settings, "CONGVU_EDXML_STATUS_CODES", {}) or {})
    return table


def status_meaning(code: str) -> str:
    return status_codes().get(code, "")


def is_status_code(value: str) -> bool:
    return bool(_STATUS_CODE_RE.match(value or "")) and value in status_codes()


def is_agency_code(value: str) -> bool:
    """A QCVN 102:2016 13-character code (``000.00.31.H57``)."""
    return bool(AGENCY_CODE_RE.match(value or ""))
