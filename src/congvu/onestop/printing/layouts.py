"""Versioned layouts: which template prints each form, and which columns the book has, from when.

The text of an official paper is Vietnamese whatever the interface language,
so titles here are plain strings, not translated (as in
``congvu/print/_header.html``).

The columns of the Sổ theo dõi hồ sơ (Mẫu 06) are UNCONFIRMED in the
regulations (§2.1): :data:`BOOK_LAYOUTS` holds congvu's choice, documented in
docs/onestop.md ("Forms"). A confirmed official list becomes a new entry with
its effective date; older books keep printing with the columns of their time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from congvu.onestop.constants import FormCode

#: Circular 01/2018/TT-VPCP took effect on 08/01/2019.
TT01_2018 = datetime.date(2019, 1, 8)
# Decree 118/2025/NĐ-CP replaces Decree 61/2018 from this day (regulations §1).
DECREE_118_2025 = datetime.date(2025, 7, 1)


@dataclass(frozen=True)
class FormLayout:
    """One version of one form: its template, title and paper size."""

    code: str
    version: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    title: str
    template: str
    page: str = "A5"

    def in_force(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


FORM_LAYOUTS: tuple[FormLayout, ...] = (
    FormLayout(
        FormCode.RECEIPT,
        "01/2018/TT-VPCP",
        TT01_2018,
        None,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "onestop/print/mau01.html",
    ),
    FormLayout(
        FormCode.SUPPLEMENT,
        "01/2018/TT-VPCP",
        TT01_2018,
        None,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "onestop/print/mau02.html",
    ),
    FormLayout(
        FormCode.REFUSAL,
        "01/2018/TT-VPCP",
        TT01_2018,
        None,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "onestop/print/mau03.html",
    ),
    FormLayout(
        FormCode.APOLOGY,
        "01/2018/TT-VPCP",
        TT01_2018,
        None,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "onestop/print/mau04.html",
    ),
    FormLayout(
        FormCode.CONTROL,
        "01/2018/TT-VPCP",
        TT01_2018,
        None,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "onestop/print/mau05.html",
    ),
)


def _pick(layouts, day: datetime.date):
    in_force = [layout for layout in layouts if layout.in_force(day)]
    if in_force:
        return max(in_force, key=lambda layout: layout.valid_from)
    # Papers older than every layout print with the earliest one.
    return min(layouts, key=lambda layout: layout.valid_from)


def form_layout(code: str, day: datetime.date) -> FormLayout:
    """The layout of form ``code`` in force on ``day``."""
    layouts = [layout for layout in FORM_LAYOUTS if layout.code == code]
    if not layouts:
        raise KeyError(code)
    return _pick(layouts, day)


@dataclass(frozen=True)
class BookColumn:
    """One column of the book: the row value named ``key`` (see :mod:`.book`)."""

    key: str
    title: str
    width: int  # Excel characters; the PDF uses the widths as proportions


@dataclass(frozen=True)
class BookLayout:
    version: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    title: str
    columns: tuple[BookColumn, ...]

    def in_force(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


_BOOK_COLUMNS_2018 = (
    BookColumn("number", "Số thứ tự", 6),
    BookColumn("code", "Mã hồ sơ", 22),
    BookColumn("procedure", "Tên thủ tục hành chính", 32),
    BookColumn("applicant", "Tên tổ chức, cá nhân nộp hồ sơ", 22),
    BookColumn("contact", "Địa chỉ, số điện thoại", 24),
    BookColumn("channel", "Hình thức nộp", 11),
    BookColumn("received_at", "Ngày, giờ nhận hồ sơ", 14),
    BookColumn("due_at", "Ngày, giờ hẹn trả kết quả", 14),
    BookColumn("handed_at", "Ngày chuyển hồ sơ đến cơ quan giải quyết", 14),
    BookColumn("finished_at", "Ngày có kết quả giải quyết", 14),
    BookColumn("returned_at", "Ngày trả kết quả", 14),
    BookColumn("outcome", "Kết quả (trước hạn, đúng hạn, quá hạn)", 14),
    BookColumn("signature", "Người nhận kết quả ký", 12),
    BookColumn("note", "Ghi chú", 18),
)

BOOK_LAYOUTS: tuple[BookLayout, ...] = (
    BookLayout(
        "congvu-1",
        TT01_2018,
        DECREE_118_2025 - datetime.timedelta(days=1),
        "SỔ THEO DÕI HỒ SƠ",
        _BOOK_COLUMNS_2018,
    ),
    # Decree 118/2025: reception regardless of the administrative boundary;
    # the book says where a phi địa giới dossier was received or is decided.
    BookLayout(
        "congvu-2",
        DECREE_118_2025,
        None,
        "SỔ THEO DÕI HỒ SƠ",
        (
            *_BOOK_COLUMNS_2018[:-1],
            BookColumn("boundary", "Phi địa giới (nơi tiếp nhận / cơ quan giải quyết)", 20),
            _BOOK_COLUMNS_2018[-1],
        ),
    ),
)


def book_layout(day: datetime.date) -> BookLayout:
    """The columns of the book in force on ``day`` (the start of the printed period)."""
    return _pick(BOOK_LAYOUTS, day)
