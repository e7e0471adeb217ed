"""Shapes of Vietnamese identifiers a portal account gives: mobile number, CCCD, mã số thuế.

Each ``normalise_*`` function accepts what people type (spaces, dots, +84) and
returns the stored form, or raises ``ValidationError`` with a Vietnamese message
that says what is expected.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers since the 2018 renumbering: 10 digits, prefixes 03, 05, 07, 08, 09.
_MOBILE = re.compile(r"0[35789]\d{8}")
_CCCD = re.compile(r"\d{12}")
_TAX_10 = re.compile(r"\d{10}")
_TAX_BRANCH = re.compile(r"(\d{10})-?(\d{3})")


def normalise_phone(value: str) -> str:
    """Return the mobile number as ``0xxxxxxxxx``; +84 and 84 prefixes become 0."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(
            _(
                "Số điện thoại di động không hợp lệ: cần 10 chữ số, bắt đầu bằng 03, 05, 07, 08 "
                "hoặc 09 (ví dụ 0912345678)."
            ),
            code="invalid_phone",
        )
    return digits


def normalise_id_number(value: str) -> str:
    """Số căn cước công dân (CCCD): exactly 12 digits."""
    digits = re.sub(r"\s", "", value or "")
    if not _CCCD.fullmatch(digits):
        raise ValidationError(
            _("Số căn cước công dân (CCCD) phải gồm đúng 12 chữ số."), code="invalid_id_number"
        )
    return digits


def normalise_tax_code(value: str) -> str:
    """Mã số thuế: 10 digits, or 13 for a branch, stored in the printed ``10-3`` shape."""
    raw = re.sub(r"\s", "", value or "")
    if _TAX_10.fullmatch(raw):
        return raw
    match = _TAX_BRANCH.fullmatch(raw)
    if match:
        return f"{match[1]}-{match[2]}"
    raise ValidationError(
        _(
            "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với chi nhánh, đơn vị phụ thuộc "
            "(ví dụ 0312345678 hoặc 0312345678-001)."
        ),
        code="invalid_tax_code",
    )


def normalise_email(value: str) -> str:
    """E-mail addresses compare case-insensitively; the account keeps the lower-cased form."""
    return (value or "").strip().lower()
